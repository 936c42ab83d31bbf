import type { UpdateInfo } from 'electron-updater';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * GitHub hands release notes to electron-updater as HTML (the generic feed as whatever
 * latest*.yml says). The console shows them as plain text, never as markup from the
 * network: block ends become line breaks, list items bullets, every other tag goes.
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<li[^>]*>/gi, '• ')
    .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6]|ul|ol|pre|blockquote)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** One text for the notes of the offered release (several when electron-updater collects a full changelog). */
export function releaseNotesText(notes: UpdateInfo['releaseNotes']): string | null {
  if (notes == null) return null;
  const text = typeof notes === 'string' ? htmlToText(notes) : notes.map((entry) => `${entry.version}\n${htmlToText(entry.note ?? '')}`).join('\n\n').trim();
  return text === '' ? null : text.slice(0, 20_000);
}

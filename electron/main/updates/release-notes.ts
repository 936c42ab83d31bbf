import type { UpdateInfo } from 'electron-updater';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Notes are shown up to this many characters; more input than a few times that is not read. */
const MAX_NOTES_CHARS = 20_000;
const MAX_HTML_CHARS = 200_000;

/**
 * GitHub hands release notes to electron-updater as HTML (the generic feed as whatever
 * latest*.yml says). The console shows them as plain text, never as markup from the
 * network: block ends become line breaks, list items bullets, every other tag goes.
 *
 * The text comes from the network and this runs in main, so every step is linear in the
 * input (no pattern that rescans from each of many `<` or spaces) and nothing throws (an
 * entity naming no character becomes U+FFFD).
 */
export function htmlToText(html: string): string {
  const text = dropScriptsAndStyles(html.slice(0, MAX_HTML_CHARS))
    .replace(/<li\b[^<>]*>/gi, '• ')
    .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6]|ul|ol|pre|blockquote)>/gi, '\n')
    .replace(/<[^<>]*>/g, '')
    .replace(/&(#x[0-9a-f]{1,8}|#\d{1,10}|[a-z]{1,10});/gi, (entity, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return character(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return character(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? entity;
    });
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function character(codePoint: number): string {
  const valid = Number.isInteger(codePoint) && codePoint >= 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
  return valid ? String.fromCodePoint(codePoint) : '\uFFFD';
}

/** `<script>…</script>` and `<style>…</style>` with their contents; an unclosed one takes the rest. */
function dropScriptsAndStyles(html: string): string {
  const lower = html.toLowerCase();
  const open = /<(script|style)\b[^<>]*>/gi;
  let out = '';
  let from = 0;
  for (let match = open.exec(html); match; match = open.exec(html)) {
    out += html.slice(from, match.index);
    const close = lower.indexOf(`</${match[1]!.toLowerCase()}`, open.lastIndex);
    const end = close < 0 ? -1 : lower.indexOf('>', close);
    from = end < 0 ? html.length : end + 1;
    open.lastIndex = from;
  }
  return out + html.slice(from);
}

/** One text for the notes of the offered release (several when electron-updater collects a full changelog). */
export function releaseNotesText(notes: UpdateInfo['releaseNotes']): string | null {
  if (notes == null) return null;
  const text = typeof notes === 'string' ? htmlToText(notes) : notes.map((entry) => `${entry.version}\n${htmlToText(entry.note ?? '')}`).join('\n\n').trim();
  return text === '' ? null : text.slice(0, MAX_NOTES_CHARS);
}

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../../shared/ipc/channels/updates.ts';
import { htmlToText, releaseNotesText } from './release-notes.ts';
import { UpdateController, type AutoUpdaterLike } from './update-controller.ts';

describe('release notes from the feed', () => {
  it('turns HTML into plain text', () => {
    expect(htmlToText('<h2>New</h2><ul><li>Faster &amp; smaller &#x1F680;</li><li>Fix</li></ul><script>alert(1)</script><p>a  \n\n\n\nb</p><style>p{}</style>c < d')).toBe(
      'New\n• Faster & smaller 🚀\n• Fix\n\na\n\nb\nc < d',
    );
  });

  it('shows an entity that names no character as U+FFFD instead of failing the check', () => {
    expect(htmlToText('a &#x110000; b &#xD800; c &#1114112; d')).toBe('a \uFFFD b \uFFFD c \uFFFD d');
    const statuses: UpdateStatus[] = [];
    const updater = Object.assign(new EventEmitter(), { autoDownload: true, autoInstallOnAppQuit: true, setFeedURL: () => {} }) as unknown as AutoUpdaterLike & EventEmitter;
    new UpdateController({ updater, currentVersion: '1.0.0', enabled: true, feedUrl: null, onChange: (status) => statuses.push(status) });
    updater.emit('update-available', { version: '1.1.0', releaseNotes: '<p>Emoji &#x110000;</p>' });
    expect(statuses.at(-1)).toMatchObject({ state: 'available', availableVersion: '1.1.0', releaseNotes: 'Emoji \uFFFD' });
  });

  it('reads hostile or broken markup in time linear in its length (main would freeze otherwise)', () => {
    // Each of these took from seconds to minutes with patterns that rescan from every '<' or space.
    for (const html of ['<'.repeat(200_000), '<script>'.repeat(25_000), `${' '.repeat(200_000)}x`, '<li'.repeat(60_000), '&#'.repeat(100_000), `<p>${'a'.repeat(10)}`.repeat(1_000_000)]) {
      const started = performance.now();
      const text = releaseNotesText(html);
      expect(performance.now() - started, html.slice(0, 20)).toBeLessThan(2_000);
      expect((text ?? '').length).toBeLessThanOrEqual(20_000);
    }
  });
});

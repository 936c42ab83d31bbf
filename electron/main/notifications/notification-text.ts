/** Electron hands these to the desktop's notification service; a longer text is cut with "…". */
export const NOTIFICATION_TITLE_MAX = 120;
export const NOTIFICATION_BODY_MAX = 400;

// C0 and C1 controls (newlines, escapes, NUL), and the bidirectional controls that reorder the
// text after them (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates, the marks
// U+200E/U+200F/U+061C), and invisible word joiners. Kept: U+200C/U+200D, which some scripts
// and emoji need.
// eslint-disable-next-line no-control-regex
const UNSHOWN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/gu;

/**
 * A server's text (alert summaries, host names, run titles) made fit for a native notification:
 * the server decides it, and a hostile or broken one sends 256 KiB descriptions, ANSI escapes,
 * line breaks that fake lines of our own, or a U+202E that shows `db-1\u202Eexe.txt` as
 * `db-1txt.exe`. Controls become spaces (bidi controls go), runs of white space one space, and
 * the text is cut at `max` characters on a code point boundary.
 */
export function notificationText(text: string, max: number): string {
  const plain = text.replace(UNSHOWN, (char) => (char <= '\u009f' ? ' ' : '')).replace(/\s+/gu, ' ').trim();
  const points = Array.from(plain);
  return points.length <= max ? plain : `${points.slice(0, max - 1).join('').trimEnd()}…`;
}

/**
 * What other keyboards and chat clients put in a line that reads as nothing of ours, typed as
 * the ASCII it stands for: digits of full-width ("ack １２") and Arabic-Indic keyboards ("ack ١٢"),
 * full-width letters and signs, smart quotes ("don’t", “deploy”), spaces that are no plain space
 * (no-break, thin, ideographic) and the invisible marks of right-to-left text and of joining
 * ("‏ack 12": a right-to-left mark before the verb left it unread). Each character becomes at most
 * one, so a comment cut from the line keeps the rest as typed.
 */
export function typedPlainly(text: string): string {
  // (Most lines are ASCII already: nothing to look for.)
  if (!NOT_PLAIN_ASCII.test(text)) return text;
  return text.replace(INVISIBLE, '').replace(OTHER_KEYS, (c) => PLAIN[c] ?? plainOf(c));
}

/** Anything but printable ASCII and the line's own whitespace. */
const NOT_PLAIN_ASCII = /[^\t\n\r -~]/;

/** Marks of direction (LRM, RLM, ALM, embeddings, isolates) and of joining (zero-width space, joiners, word joiner, BOM). */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff]/g;

/** Full-width ASCII, Arabic-Indic and Persian digits, spaces that are no plain space, hyphens that are no plain one ("web‑1"), smart quotes. */
const OTHER_KEYS = /[\uff01-\uff5e\u0660-\u0669\u06f0-\u06f9\u00a0\u2000-\u200a\u202f\u205f\u3000\u2010\u2011\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033]/g;

const PLAIN: Readonly<Record<string, string>> = {
  '\u2010': '-', '\u2011': '-',
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'",
  '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u201f': '"', '\u2033': '"',
};

function plainOf(c: string): string {
  const code = c.charCodeAt(0);
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
  if (code >= 0x0660 && code <= 0x0669) return String(code - 0x0660);
  if (code >= 0x06f0 && code <= 0x06f9) return String(code - 0x06f0);
  return ' ';
}

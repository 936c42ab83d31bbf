import { isOrderVerb } from './polite-gerunds.ts';
import { saidBeforeFreeText } from './spoken-ids.ts';

/**
 * A message that corrects itself ("ack 12, scratch that, ack 13 instead", "ack 12 no wait 13", "silence web-1 - sorry,
 * web-2 - for 1h", "silence web-1 for 1h, make that 2h") is the order as corrected, written into the line before it is read,
 * so only that order is read, and the one taken back never. Until round 12 such a line was answered "read as a correction"
 * and had to be sent again.
 *
 * Two forms are read: the order said again after the marker ("…, scratch that, ack 13 instead": that order alone), and a
 * fragment in its place (an id, a list of ids, a host or a length) that stands for the one thing of its kind the order
 * named ("ack 12 no wait 13": 13 for 12). A fragment whose kind the order named twice or never ("ack 12 and 14 no wait
 * 13", "ack 12 oops wrong one") is left as typed, and the line stays a correction that does nothing.
 */

/** Words that take back what was just said and give what was meant ("no wait", "sorry, I meant", "make that", "or rather"). */
const MARKER = String.raw`(?:scratch\s+that|no\s+wait|wait\s+no|no\s+sorry|(?:sorry\s*,?\s*)?i\s+meant(?:\s+to\s+say)?|sorry\s*,?\s*meant|i\s+mean|actually|make\s+(?:that|it)|correction|or\s+rather|sorry|oops|whoops|(?:oh\s+)?wait|err?m?|uh+)`;

/** What may part the order, the marker and what is meant: spaces, commas, dashes, colons, full stops. */
const PARTS = String.raw`[\s,;:.\-–—]`;

/** One marker or several in a row ("oops, I meant", "no wait, sorry"). */
const MARKERS = String.raw`${MARKER}(?:${PARTS}+${MARKER}(?=${PARTS}|$))*`;

/** The marker after an order (group 1, the order; group 2, what is meant), or at the line's start (a full order after it). */
const AFTER_ORDER = new RegExp(String.raw`^(\S.*?)${PARTS}*\s(?:${MARKERS})(?=${PARTS}|$)${PARTS}*(\S.*)$`, 'i');
/** Leading a line, only what takes back an earlier message ("wait, ack 12" waits, and does nothing: mood.ts). */
const TAKE_BACK = String.raw`(?:scratch\s+that|no\s+wait|wait\s+no|(?:sorry\s*,?\s*)?i\s+meant|correction|belay\s+that|ignore\s+that)`;
const LEADING = new RegExp(String.raw`^\s*(?:${TAKE_BACK})${PARTS}+(\S.*)$`, 'i');

/** "instead", "then", "pls" ending what is meant: the correction's own words, never the order's comment. */
const TRAILER = /(?:[\s,]+(?:instead|then|pls|please|plz|sorry|thanks|thx|ty))+[\s.!]*$/i;

const ID = String.raw`#?\d{1,9}`;
const UNIT = String.raw`(?:h|hrs?|hours?|m|mins?|minutes?|d|days?|w|wks?|weeks?)`;
/** The kinds of thing a fragment may stand for, and how each is written. */
const KINDS: readonly { kind: string; whole: RegExp; word: RegExp }[] = [
  // ("13", "#13", "13 and 14", "13, 14"; a number before a unit is a length: "for 1 hour" names no id.)
  { kind: 'ids', whole: new RegExp(String.raw`^${ID}(?:(?:\s*,\s*|\s+and\s+|\s+)${ID})*$`, 'i'), word: new RegExp(String.raw`^${ID}[,.]?$`) },
  { kind: 'length', whole: new RegExp(String.raw`^(?:for\s+)?\d+\s*${UNIT}$`, 'i'), word: new RegExp(String.raw`^\d+${UNIT}[,.]?$`, 'i') },
  // ("web-2", "db-1", "worker-10", "payments-api": a word with a dash and no spaces that is no length or id.)
  { kind: 'host', whole: /^[a-z][a-z0-9]*(?:[-.][a-z0-9]+)+$/i, word: /^[a-z][a-z0-9]*(?:[-.][a-z0-9]+)+[,.]?$/i },
];

/** "13 - for 1h" → the fragment "13" and the rest "for 1h"; null when what is meant is not a fragment of one kind. */
function fragmentOf(meant: string): { kind: (typeof KINDS)[number]; fragment: string; rest: string } | null {
  const dash = /\s[-–—]\s|,\s*/.exec(meant);
  const fragment = (dash ? meant.slice(0, dash.index) : meant).replace(TRAILER, '').trim();
  const rest = dash ? meant.slice(dash.index + dash[0].length).replace(TRAILER, '').trim() : '';
  // ("sorry I meant incident 8": the id's noun said again, as the order says it.)
  const id = fragment.replace(/^(?:alerts?|incidents?|incs?|runs?|silences?)\s+/i, '');
  const kind = KINDS.find((k) => k.whole.test(id));
  return kind ? { kind, fragment: kind.kind === 'ids' ? id : fragment, rest } : null;
}

/** The order with the one word of the fragment's kind replaced by it, or null when it names none of that kind, or several. */
function replaced(order: string, kind: (typeof KINDS)[number], fragment: string): string | null {
  const words = order.split(/(\s+)/);
  const at = words.flatMap((w, i) => {
    if (!kind.word.test(w)) return [];
    // ("silence alert 12 for 1 hour": 1 is the length's number, no id.)
    if (kind.kind === 'ids' && new RegExp(`^${UNIT}\\b`, 'i').test(words[i + 2] ?? '')) return [];
    return [i];
  });
  if (at.length !== 1) return null;
  const i = at[0]!;
  // ("note on 7: moved from db-1 er db-2", "ack 12 because db-1 uh db-2 is down": a note's or a comment's words are kept as typed.)
  if (!saidBeforeFreeText(order, words.slice(0, i).join('').length)) return null;
  const keep = /[,.]$/.exec(words[i]!)?.[0] ?? '';
  // ("make that 2h" for "for 1h": the fragment may repeat the "for" the order already says.)
  const value = kind.kind === 'length' && /^for\s/i.test(fragment) && /^for$/i.test(words[i - 2] ?? '') ? fragment.replace(/^for\s+/i, '') : fragment;
  words[i] = `${value}${keep}`;
  return words.join('');
}

/** Is what is meant an order of its own ("ack 13 instead", "restart nginx on web-2")? */
function isOrder(meant: string): boolean {
  const first = /^[a-z-]+/i.exec(meant)?.[0]?.toLowerCase();
  return first !== undefined && isOrderVerb(first);
}

function correctedOnce(text: string): string | null {
  const leading = LEADING.exec(text);
  // ("scratch that, ack 13 instead": the order said after the marker, the earlier one in another message.)
  if (leading) return isOrder(leading[1]!) ? leading[1]!.replace(TRAILER, '').trim() : null;
  const found = AFTER_ORDER.exec(text);
  if (!found) return null;
  const [, order, meant] = found as unknown as [string, string, string];
  if (isOrder(meant)) return meant.replace(TRAILER, '').trim();
  const fragment = fragmentOf(meant);
  if (!fragment) return null;
  const fixed = replaced(order.trim(), fragment.kind, fragment.fragment);
  return fixed === null ? null : `${fixed}${fragment.rest === '' ? '' : ` ${fragment.rest}`}`;
}

/** The line as corrected, or as typed when it corrects nothing (or nothing it can say how). */
export function selfCorrectionRead(text: string): string {
  let line = text;
  // ("ack 12, no wait 13, sorry I meant 14": each correction in turn.)
  for (let i = 0; i < 3; i++) {
    const next = correctedOnce(line);
    if (next === null || next === line) break;
    line = next;
  }
  return line;
}

import { FREE_TEXT_MARKERS } from '../lexicon.ts';
import { findDurations, findUntil, untilDayMonthUnclear } from '../times.ts';
import type { Line } from './kit.ts';

/** Words between "for" and its length ("for the next hour", "for another 30m"). */
const LENGTH_LEADS = new Set(['the', 'next', 'another', 'a', 'further']);
const UNTIL = new Set(['until', 'till', 'til', 'untill']);

/**
 * A length or an end said right after an acknowledgement ("ack 12 for 1h", "ack 12 until tomorrow", "ack all alerts on
 * web-1 for 2h"): the words as typed, or null. An acknowledgement never expires (it lasts until the alert resolves), so
 * acknowledging with the length as a comment would do something else than asked; a silence is what has a length.
 * `at` is where the length may start: right after the ids, or anywhere in a line that names no comment (`anywhere`).
 * "ack 12 for now", "ack 12 for bob", "ack 12 until the fix is out" say no length and stay acknowledgements; a length alone
 * after the ids, "ack 12 2h", is one.
 */
export function ackLengthAt(line: Line, at: number, anywhere = false): string | null {
  const { tokens } = line;
  // (The line's lengths, read once: the loop asks of every word.)
  let lengths: ReturnType<typeof findDurations> | undefined;
  const lengthsSaid = () => (lengths ??= findDurations(tokens, new Set()));
  for (let i = at; i < (anywhere ? tokens.length : at + 1); i++) {
    const word = tokens[i]?.norm;
    // ("ack all alerts on web-1 - down for 2h": a comment's words are its own.)
    if (word === undefined || FREE_TEXT_MARKERS.has(word) || tokens[i - 1]?.colon) return null;
    if (word === 'for') {
      let k = i + 1;
      while (LENGTH_LEADS.has(tokens[k]?.norm ?? '') && k < i + 3) k++;
      const duration = lengthsSaid().find((d) => d.start >= i + 1 && d.start <= k && d.ms > 0);
      if (duration) return typed(line, i, duration.end);
    }
    // ("ack 12 2h", "ack 12 30 mins": a length alone after the ids, as "silence web-1 2h" says one; it was the comment "2h".
    // "ack 12 5 mins ago it fired" goes on, and is the comment. Only a word that starts with a digit starts one: the lengths
    // are read only then.)
    const bare = (i === at || anywhere) && /^[\d.]/.test(word) ? lengthsSaid().find((d) => d.start === i && d.end === tokens.length && d.ms > 0) : undefined;
    if (bare) return typed(line, i, bare.end);
    if (UNTIL.has(word)) {
      const until = findUntil(line.text, tokens, new Set(), i, line.ref);
      // (Only a time right after it: "until the fix is out" is a reason to acknowledge, not an end.)
      if (until && until.end > i + 1) return typed(line, i, until.end);
      // ("ack 12 until 11/03": a date it leaves unread since it reads two ways is an end all the same.)
      if (untilDayMonthUnclear(tokens, i) !== null) return typed(line, i, Math.min(tokens.length, i + 2));
    }
  }
  return null;
}

function typed(line: Line, from: number, end: number): string {
  return line.text.slice(line.tokens[from]!.start, line.tokens[end - 1]!.end);
}

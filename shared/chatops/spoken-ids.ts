import { FREE_TEXT_MARKERS } from './lexicon.ts';
import { ID_JOINERS } from './rules/kit.ts';
import type { Token } from './tokens.ts';

/** Ids spelt as words ("alert twelve", "incident forty two", "ack 12 and thirteen"), read as their digits. */

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** "twelve" → 12, "twenty-one" → 21 (up to 99), anything else → null. */
function numberWord(norm: string): number | null {
  const unit = UNITS.indexOf(norm);
  if (unit !== -1) return unit;
  const [tens, ones] = norm.split('-');
  const t = TENS.indexOf(tens ?? '');
  if (t < 2) return null;
  const o = ones === undefined ? 0 : UNITS.indexOf(ones);
  return o >= 0 && o < 10 ? t * 10 + o : null;
}

/**
 * A number said in words right after an alert's, an incident's or a run's noun, tens and ones together or apart, and no
 * count or length after it ("alert twelve", "incident forty two", "assign incident thirty to bob", "silence alert twelve
 * for 1h"; not "alert one of them", "ack alerts one by one", "one at a time", "for one hour"): its digits, written into the line before it is read, so every rule,
 * those that read the text as well as those that read its words, sees the id. ("ack alert twelve" asked for the id in
 * digits, "alert twelve" listed the alerts, "silence alert twelve for 1h" silenced alerts named "twelve".)
 */
const NUMBER_WORD = String.raw`(?:(?:${TENS.slice(2).join('|')})(?:[\s-](?:${UNITS.slice(1, 10).join('|')}))?|${UNITS.join('|')})`;
const AFTER_NOUN = new RegExp(String.raw`\b(alerts?|alarms?|incidents?|incs?|runs?)(\s+)(${NUMBER_WORD})\b(?!['’-]|\s+(?:of|more|less|other|others|another|or|by|at|times|ago|before|after|h|hrs?|hours?|m|mins?|minutes?|d|days?|s|secs?|seconds?|w|wks?|weeks?)\b)`, 'gi');

export function spokenIdsSaid(text: string): string {
  return text.replace(AFTER_NOUN, (whole: string, noun: string, space: string, said: string, offset: number) =>
    (saidBeforeFreeText(text, offset) ? `${noun}${space}${numberWord(said.toLowerCase().replace(/\s+/, '-'))!}` : whole));
}

/**
 * Whether `offset` comes before any free text of the line (a comment after a dash or "because", a note after its colon):
 * words rewritten before a line is read are its grammar's, never the words a comment keeps as typed.
 */
export function saidBeforeFreeText(text: string, offset: number): boolean {
  return !/\s[-–—](?:\s|$)|:(?:\s|$)|\bbecause\b/i.test(text.slice(0, offset));
}

/**
 * An id spelt as a word, joined to an id before it and ending the list ("ack 12 and thirteen", "ack 12, 13 and fourteen"):
 * read as its digits, so a list said so is never done in part ("ack 12 and thirteen" acknowledged 12 alone, "and
 * thirteen" its comment). ("ack 12 and two others" keeps its words.)
 */
export function idsInWords(tokens: readonly Token[]): Token[] {
  const isId = (t: Token | undefined) => t !== undefined && /^#?\d{1,9}$/.test(t.norm);
  return tokens.map((token, i) => {
    const n = numberWord(token.norm);
    if (n === null || n === 0) return token;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const joined = prev !== undefined && ((ID_JOINERS.has(prev.norm) && isId(tokens[i - 2])) || (isId(prev) && prev.raw.endsWith(',')));
    const endsList = next === undefined || token.raw.endsWith(',') || ID_JOINERS.has(next.norm) || FREE_TEXT_MARKERS.has(next.norm) || isId(next);
    return joined && endsList ? { ...token, norm: String(n) } : token;
  });
}

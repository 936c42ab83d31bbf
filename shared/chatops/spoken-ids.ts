import { FREE_TEXT_MARKERS } from './lexicon.ts';
import { ID_JOINERS } from './rules/kit.ts';
import { numberWord, TENS, UNITS } from './number-words.ts';
import type { Token } from './tokens.ts';

/** Ids spelt as words ("alert twelve", "incident forty two", "ack 12 and thirteen"), read as their digits. */

/**
 * A number said in words right after an alert's, an incident's or a run's noun, tens and ones together or apart, and no
 * count or length after it ("alert twelve", "incident forty two", "assign incident thirty to bob", "silence alert twelve
 * for 1h"; not "alert one of them", "ack alerts one by one", "one at a time", "for one hour"): its digits, written into the line before it is read, so every rule,
 * those that read the text as well as those that read its words, sees the id. ("ack alert twelve" asked for the id in
 * digits, "alert twelve" listed the alerts, "silence alert twelve for 1h" silenced alerts named "twelve".)
 */
const NUMBER_WORD = String.raw`(?:(?:${TENS.slice(2).join('|')})(?:[\s-](?:${UNITS.slice(1, 10).join('|')}))?|${UNITS.join('|')})`;
const AFTER_NOUN = new RegExp(String.raw`\b(alerts?|alarms?|incidents?|incs?|runs?)(\s+)(${NUMBER_WORD})\b(?!['’-]|\s+(?:hundred|thousand|of|more|less|other|others|another|or|by|at|times|ago|before|after|h|hrs?|hours?|m|mins?|minutes?|d|days?|s|secs?|seconds?|w|wks?|weeks?)\b)`, 'gi');

/**
 * A voice transcript's ids and hosts ("ack alert one two", "ack number twelve", "silence web dash one for one hour"): digits
 * said one by one after an alert's, an incident's or a run's noun are one id ("alert one two" is 12: it acknowledged alert 1
 * with the comment "two"); "number" between the noun or an ack's verb and the id is the id's word; a number said right after
 * an ack's verb is its id ("ack twelve"); a word, "dash" or "hyphen", then a number is a host's name ("web dash one":
 * web-1). Only before any free text, as the ids spelt after a noun.
 */
const DIGIT_WORD = String.raw`(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)`;
const DIGITS_AFTER_NOUN = new RegExp(String.raw`\b(alerts?|alarms?|incidents?|incs?|runs?)(\s+)(?:number\s+)?(${DIGIT_WORD}(?:\s+${DIGIT_WORD})+)\b(?!['’-]|\s+(?:hundred|thousand|of|more|less|other|others|or|by|at|times|ago|h|hrs?|hours?|m|mins?|minutes?|d|days?|s|secs?|seconds?|w|wks?|weeks?)\b)`, 'gi');
const DIGITS_LISTED_NEXT = new RegExp(String.raw`^\s*(?:,|and\b|&)\s*${DIGIT_WORD}\s+${DIGIT_WORD}\b`, 'i');
const DIGITS_AFTER_ID = new RegExp(String.raw`(\d\s*(?:,\s*|\s+and\s+|\s+&\s+))(${DIGIT_WORD}(?:\s+${DIGIT_WORD})+)\b(?!['’-]|\s+(?:hundred|thousand|of|more|less|other|others|or|by|at|times|ago|h|hrs?|hours?|m|mins?|minutes?|d|days?|s|secs?|seconds?|w|wks?|weeks?)\b)`, 'gi');
const NUMBER_AFTER = new RegExp(String.raw`\b(alerts?|alarms?|incidents?|incs?|runs?|ack|acknowledge|unack)\s+(?:number)\s+(?=\d|${NUMBER_WORD}\b)`, 'gi');
const AFTER_ACK = new RegExp(String.raw`^((?:(?:please|pls|plz|can\s+you|could\s+you)\s+)?(?:ack|acknowledge|unack)\s+)(${NUMBER_WORD})\b(?!['’-]|\s+(?:hundred|thousand|of|more|less|other|others|another|or|by|at|times|ago|h|hrs?|hours?|m|mins?|minutes?|d|days?|w|wks?|weeks?)\b)`, 'i');
const HOST_SAID = new RegExp(String.raw`\b([a-z][a-z0-9]*)\s+(?:dash|hyphen)\s+(\d{1,4}|${NUMBER_WORD})\b(?!['’-])`, 'gi');
const DIGIT_OF: Readonly<Record<string, string>> = { zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9' };

/** ("ack alert one two and one three": each next id in the list, said the same way, read in turn.) */
function listedDigitsSaid(text: string): string {
  let out = text;
  for (let i = 0; i < 8; i++) {
    const next = out.replace(DIGITS_AFTER_ID, (whole: string, before: string, said: string, offset: number) =>
      (saidBeforeFreeText(out, offset) ? `${before}${said.toLowerCase().split(/\s+/).map((w) => DIGIT_OF[w]).join('')}` : whole));
    if (next === out) break;
    out = next;
  }
  return out;
}

function voiceSaid(text: string): string {
  return listedDigitsSaid(text
    .replace(NUMBER_AFTER, (whole: string, noun: string, offset: number) => (saidBeforeFreeText(text, offset) ? `${noun} ` : whole))
    .replace(DIGITS_AFTER_NOUN, (whole: string, noun: string, space: string, said: string, offset: number, all: string) => {
      if (!saidBeforeFreeText(text, offset)) return whole;
      const digits = said.toLowerCase().split(/\s+/).map((w) => DIGIT_OF[w]);
      // ("resolve incidents seven eight", "ack alerts two three": after a plural, digits said apart are ids apart; it resolved
      // incident 78. One id said digit by digit is a list's only when the next id is said so too: "alerts one two, one three".)
      const apart = /s$/i.test(noun) && !DIGITS_LISTED_NEXT.test(all.slice(offset + whole.length));
      return `${noun}${space}${digits.join(apart ? ' ' : '')}`;
    })
    .replace(AFTER_ACK, (_whole: string, verb: string, said: string) => `${verb}${numberWord(said.toLowerCase().replace(/\s+/, '-'))!}`)
    .replace(HOST_SAID, (whole: string, word: string, said: string, offset: number) => {
      const n = /^\d+$/.test(said) ? Number(said) : numberWord(said.toLowerCase().replace(/\s+/, '-'));
      return n === null || !saidBeforeFreeText(text, offset) ? whole : `${word}-${n}`;
    }));
}

/**
 * Numbers said in a row after the first id ("ack alerts twelve thirteen fourteen", "ack thirty one thirty two", "ack 12
 * thirteen"): each whole number is one more id, as "ack 12 13 14" is; it acknowledged 12 with the comment "thirteen
 * fourteen". Written as digits, the rules then read them as typed ids: a count or a length after one ("ack 12 three nodes
 * down", "… two hours") is still the comment's or asked, and an id after a singular noun said digit by digit ("alert one
 * two") was read as one before this.
 */
const IN_A_ROW = new RegExp(String.raw`(\b(?:alerts?|alarms?|incidents?|incs?|runs?|ack|acknowledge|unack)\s+(?:#?\d{1,9}\s+)+)(${NUMBER_WORD})\b(?!['’-]|\s+(?:hundred|thousand|of|more|less|other|others|another|or|by|at|times|ago|before|after|h|hrs?|hours?|m|mins?|minutes?|d|days?|s|secs?|seconds?|w|wks?|weeks?)\b)`, 'gi');

/**
 * Whether a number said after an id counts what follows it, a plural or anything after a one ("ack 12 three nodes down", "ack
 * 12 one node down"): the comment's words, kept as typed (the ack reads a count after its ids as its comment).
 */
function countsWhatFollows(said: string, rest: string): boolean {
  const next = /^\s+([a-z][a-z']*)/i.exec(rest)?.[1]?.toLowerCase();
  if (next === undefined || numberWord(next) !== null || ID_JOINERS.has(next) || FREE_TEXT_MARKERS.has(next)) return false;
  return said.toLowerCase() === 'one' || (/[a-z]{2,}s$/.test(next) && !NOT_PLURAL.has(next));
}
const NOT_PLURAL: ReadonlySet<string> = new Set(['is', 'was', 'has', 'this', 'its', "it's", 'as', 'us', 'yes', 'thus', 'plus', 'does', 'goes', 'always', 'pls', 'thanks', 'thx', 'anyways', 'towards']);

function inARowSaid(text: string): string {
  let out = text;
  for (let i = 0; i < 8; i++) {
    const next = out.replace(IN_A_ROW, (whole: string, before: string, said: string, offset: number) =>
      (saidBeforeFreeText(out, offset) && !countsWhatFollows(said, out.slice(offset + whole.length)) ? `${before}${numberWord(said.toLowerCase().replace(/\s+/, '-'))!}` : whole));
    if (next === out) break;
    out = next;
  }
  return out;
}

export function spokenIdsSaid(typed: string): string {
  const text = voiceSaid(typed);
  return inARowSaid(text.replace(AFTER_NOUN, (whole: string, noun: string, space: string, said: string, offset: number) =>
    (saidBeforeFreeText(text, offset) ? `${noun}${space}${numberWord(said.toLowerCase().replace(/\s+/, '-'))!}` : whole)));
}

/**
 * Whether `offset` comes before any free text of the line (a comment after a dash or "because", a note after its colon):
 * words rewritten before a line is read are its grammar's, never the words a comment keeps as typed.
 */
export function saidBeforeFreeText(text: string, offset: number): boolean {
  return !/\s[-–—](?:\s|$)|:(?:\s|$)|\bbecause\b/i.test(text.slice(0, offset));
}

/** Words after a number that say it counts (units of time among them): "two more", "five min", "three of them". */
const COUNTED: ReadonlySet<string> = new Set(['more', 'less', 'other', 'of', 'at', 'by', 'or', 'ago', 'min', 'h', 'hr', 'm', 'sec', 'minute', 'hour', 'day', 'week', 'time', 'x']);

/** Words between a range's ids ("12 to 14", "12 through 14"). */
const RANGE_WORDS: ReadonlySet<string> = new Set(['to', 'through', 'thru']);

/**
 * An id spelt as a word, joined to an id before it and ending the list ("ack 12 and thirteen", "ack 12, 13 and fourteen"):
 * read as its digits, so a list said so is never done in part ("ack 12 and thirteen" acknowledged 12 alone, "and
 * thirteen" its comment). ("ack 12 and two others" keeps its words.)
 */
export function idsInWords(tokens: readonly Token[]): Token[] {
  const isId = (t: Token | undefined) => t !== undefined && /^#?\d{1,9}$/.test(t.norm);
  // (In order, each read against the words before it as read: "ack alerts twelve, thirteen and fourteen" is 12, 13 and 14; the
  // last was its comment, "and fourteen", as it followed a word and not yet an id.)
  const out: Token[] = [];
  for (const [i, token] of tokens.entries()) {
    const n = numberWord(token.norm);
    if (n === null || n === 0) {
      out.push(token);
      continue;
    }
    const prev = out[i - 1];
    const next = tokens[i + 1];
    // ("ack alerts 12 to fourteen": the end of a range said in words, above its start, as "12 to 14" is; it was the comment.)
    const rangeEnd = prev !== undefined && RANGE_WORDS.has(prev.norm) && isId(out[i - 2]) && n > Number(out[i - 2]!.norm.replace('#', ''));
    const joined = prev !== undefined && ((ID_JOINERS.has(prev.norm) && isId(out[i - 2])) || (isId(prev) && prev.raw.endsWith(',')) || rangeEnd);
    const endsList = next === undefined || token.raw.endsWith(',') || ID_JOINERS.has(next.norm) || FREE_TEXT_MARKERS.has(next.norm) || isId(next) || numberWord(next.norm) !== null;
    // ("ack 12, 13 and fourteen rolling back": the last id, then the comment, as "… and 14 rolling back" is; it acknowledged 12
    // and 13 with the comment "and fourteen rolling back". A count is not: "and two others", "and three more", "and one node".)
    const thenComment = next !== undefined && n > 1 && /^[a-z]+$/.test(next.norm) && !/s$/.test(next.norm) && !COUNTED.has(next.norm);
    out.push(joined && (endsList || thenComment) ? { ...token, norm: String(n) } : token);
  }
  return out;
}

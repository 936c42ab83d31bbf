import { FREE_TEXT_MARKERS, is } from './lexicon.ts';
import { ID_JOINERS, isTimeUnit } from './rules/kit.ts';
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
 * The nouns an id is said after ("alert 12", "incident 7", "run 12"). ("silence" is a verb as often, "silence two hosts";
 * "no" leads "no one".)
 */
const isIdNoun = (norm: string | undefined): boolean => norm !== undefined && (is(norm, 'alert') || is(norm, 'incident') || norm === 'run' || norm === 'runs');
/** Words after a number that make it a count or a length, not an id ("alert one of them", "silence alert 12 for one hour"). */
const COUNTED_AFTER: ReadonlySet<string> = new Set(['of', 'more', 'other', 'others', 'another', 'or']);

/**
 * A number word right after an id's noun, with its tens and ones said apart ("forty two"), and what follows it no count
 * ("alert twelve", "incident forty two", "ack alert twelve rolling back"): read as the id, one token over its words ("ack
 * alert twelve" asked for the id; "alert twelve" listed the alerts). An id spelt as a word, joined to an id before it and
 * ending the list ("ack 12 and thirteen", "ack 12, 13 and fourteen"), is read so too, so a list said so is never done in
 * part ("ack 12 and thirteen" acknowledged 12 alone, "and thirteen" its comment). ("ack 12 and two others" keeps its words.)
 */
export function idsInWords(tokens: readonly Token[]): Token[] {
  const isId = (t: Token | undefined) => t !== undefined && /^#?\d{1,9}$/.test(t.norm);
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const n = numberWord(token.norm);
    if (n === null) {
      out.push(token);
      continue;
    }
    // "forty two": the tens, then the ones said apart.
    const ones = n >= 20 && n % 10 === 0 && !token.raw.endsWith(',') ? numberWord(tokens[i + 1]?.norm ?? '') : null;
    const split = ones !== null && ones >= 1 && ones <= 9;
    const last = split ? tokens[i + 1]! : token;
    const value = split ? n + ones : n;
    const next = tokens[split ? i + 2 : i + 1];
    // (What is before is read already: "ack alerts twelve and thirteen" joins thirteen to 12.)
    const prev = out.at(-1);
    const afterNoun = isIdNoun(prev?.norm) && !prev!.colon && !COUNTED_AFTER.has(next?.norm ?? '') && !isTimeUnit(next?.norm);
    const joined = value !== 0 && prev !== undefined && ((ID_JOINERS.has(prev.norm) && isId(out.at(-2))) || (isId(prev) && prev.raw.endsWith(',')));
    const endsList = next === undefined || last.raw.endsWith(',') || ID_JOINERS.has(next.norm) || FREE_TEXT_MARKERS.has(next.norm) || isId(next);
    if (!afterNoun && !(joined && endsList)) {
      out.push(token);
      continue;
    }
    out.push({ raw: split ? `${token.raw} ${last.raw}` : token.raw, norm: String(value), start: token.start, end: last.end, colon: last.colon });
    if (split) i++;
  }
  return out;
}

import type { Command } from '../intents.ts';
import type { InventoryIndex, InventoryTarget } from '../inventory.ts';
import { FILLER, FREE_TEXT_MARKERS, is, OTHER_MANNERS, THANKS } from '../lexicon.ts';
import { findDurations, findTimeRange, type TimeRange, type TimeReference } from '../times.ts';
import { compactKey, idOf, restOf, type Token } from '../tokens.ts';
import { wordTable } from '../word-table.ts';

// What every rule reads a line with: its types, targets, ids, comments and windows.

/**
 * One reading of a chat line by one intent's rule. Each rule says how well the line fits
 * it; the parser keeps the best and offers the others as alternatives.
 */
export interface Reading {
  command: Command;
  confidence: number;
  /** Set when the intent fits but a required part is missing or unresolved. */
  problem?: string;
  /** Names the user may have meant ("did you mean web-1?"). */
  suggestions?: string[];
}

export interface Line {
  text: string;
  tokens: Token[];
  index: InventoryIndex;
  ref: TimeReference;
}

export type Rule = (line: Line) => Reading | null;

/** Words that read as a time, a date or a duration ("3am", "10:30pm", "8th", "2h", "45mins"). */
const TIME_LIKE = /^(\d{1,2}(:\d{2})?(am|pm|a\.m|p\.m)|\d{1,2}(st|nd|rd|th)|\d+(s|m|h|d|w|y|ms|sec|secs|min|mins|hr|hrs|hours?|days?|weeks?))$/;
const VERSION_LIKE = /^v\d+(\.\d+)*([-+][\w.]+)?$/;

const TARGET_PREPS = new Set(['on', 'of', 'for', 'at', 'from', 'host', 'server', 'node', 'in', 'with', 'about', 'is', 'does', 'to']);

/** What may lead a comment once one is due (after an id): the free-text markers, and words that elsewhere are grammar ("since 2pm", "note on 7"). */
const COMMENT_MARKERS = new Set([...FREE_TEXT_MARKERS, 'msg', 'message', 'note', 'since', 're', 'reason:']);
export const DEFAULT_SILENCE_SECONDS = 3600;

export const DEFAULT_RANGE_MS = 3_600_000;

/** Confidence lost per word the reading cannot account for. */
/** Words of manners a line may carry anywhere. */
const MANNERS = new Set([...THANKS, 'kindly', 'asap', 'rn']);

/** A word of manners in any language chat mixes in ('please', 'cheers', 'merci'): it names nothing. */
export function isManners(norm: string): boolean {
  return MANNERS.has(norm) || OTHER_MANNERS.has(norm) || ['please', 'pls', 'plz'].includes(norm);
}

/** Manners, thanks or a reaction as typed ("thanks!", "pls", "🙏", ":pray:"): nothing of a command's own. */
export function isCourtesy(token: Token): boolean {
  return isManners(token.norm) || POLITENESS.has(token.norm) && !['too', 'as well', 'also'].includes(token.norm) || EMOJI_CODE.test(token.raw.toLowerCase().replace(/[!.,]+$/, ''));
}

export function leftoverFactor(tokens: readonly Token[], taken: ReadonlySet<number>): number {
  let unknown = 0;
  tokens.forEach((token, i) => {
    // ("restart nginx on web-1 ty", "… 🙏", "kindly …": manners and reactions cost nothing; nor does a mention leading the
    // line, "@smartcloudops resolve 7": whom it is asked of is the mood's to read (mood.ts, mentionedFirst), not a word unread.)
    const leadingMention = /^@[\w.-]+$/.test(token.norm) && tokens.slice(0, i).every((t) => /^@[\w.-]+$/.test(t.norm) || FILLER.has(t.norm));
    if (!taken.has(i) && !leadingMention && !FILLER.has(token.norm) && !MANNERS.has(token.norm) && !EMOJI_CODE.test(token.raw.toLowerCase())) unknown++;
  });
  return Math.pow(0.8, unknown);
}

/** The first token among the first `within` (fillers skipped) that is the verb, and how surely. */
export function leadingVerb(tokens: readonly Token[], test: (norm: string) => number, within = 3): { at: number; score: number } | null {
  let seen = 0;
  for (let i = 0; i < tokens.length && seen < within; i++) {
    const score = test(tokens[i]!.norm);
    if (score > 0) return { at: i, score };
    // ("im gonna restart nginx on web-1", "we're gonna silence web-1": the words of a plan are not what is said before the
    // verb; counted, the verb fell outside a runbook's two words and the plan was unread, where "gonna restart …" is one.)
    if (!FILLER.has(tokens[i]!.norm) && !PLAN_WORDS.has(tokens[i]!.norm)) seen++;
  }
  return null;
}

/** What says a plan before its verb ("gonna", "imma"); the mood (`mood.ts`) reads the line as an intention, never acted on. */
const PLAN_WORDS: ReadonlySet<string> = new Set(['gonna', 'ima', "i'ma", 'imma', "i'mma"]);

interface TargetHit {
  target: InventoryTarget;
  score: number;
  at: number;
  end: number;
}

/**
 * The target the line names: any word that is exactly a target's name (`web1` = `web-1`),
 * two words that are one ("web 1"), or a near miss right after "on", "of", "host"... A near
 * miss that fits two targets equally is reported, not chosen.
 */
export function findTarget(line: Line, taken: ReadonlySet<number>): { hit: TargetHit | null; unresolved?: string; suggestions?: string[] } {
  const { tokens, index } = line;
  for (let i = 0; i < tokens.length; i++) {
    if (taken.has(i)) continue;
    const next = tokens[i + 1];
    if (next && !taken.has(i + 1)) {
      const joined = index.target(tokens[i]!.norm + next.norm, false);
      if (joined.length === 1 && !index.target(tokens[i]!.norm, false).length) return { hit: { target: joined[0]!.item, score: 1, at: i, end: i + 2 } };
    }
    const exact = index.target(tokens[i]!.norm, false);
    if (exact.length >= 1) return { hit: { target: exact[0]!.item, score: 1, at: i, end: i + 1 } };
    // "web-1.example.com": the fully qualified name of a target known by its short one.
    // ("web-1:9100", "web-1.internal:9100": a host with the port of its exporter, as a Prometheus instance label names it.)
    const host = tokens[i]!.norm.replace(/^([a-z][\w.-]*):\d{1,5}$/, '$1');
    if (host !== tokens[i]!.norm) {
      const bare = index.target(host, false)[0];
      if (bare) return { hit: { target: bare.item, score: 0.9, at: i, end: i + 1 } };
    }
    const short = /^[a-z][\w-]*\d[\w-]*\.[a-z][\w.-]*$/.test(host) ? index.target(host.split('.')[0]!, false)[0] : undefined;
    if (short) return { hit: { target: short.item, score: 0.9, at: i, end: i + 1 } };
  }
  for (let i = 1; i < tokens.length; i++) {
    if (taken.has(i) || !TARGET_PREPS.has(tokens[i - 1]!.norm)) continue;
    const word = tokens[i]!.norm;
    // "cpu on 10.0.0.5", "on 10.0.0.5:9100": an address is a target's name, found or not.
    // ("on 10-0-0-5": an address as a cloud's host names write it; it was dropped, the run planned on no host.)
    if (/^\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?$/.test(word) || /^\d{1,3}(-\d{1,3}){3}$/.test(word)) {
      const hit = index.target(word, false)[0];
      return hit ? { hit: { target: hit.item, score: 1, at: i, end: i + 1 } } : { hit: null, unresolved: word, suggestions: [] };
    }
    // "at 3am", "on the 8th", "for 2h": times and durations, not a host named so.
    // "to v4.11.2": a version, not a host named so.
    if (FILLER.has(word) || !/[a-z]/.test(word) || idOf(tokens[i]) !== null || TIME_LIKE.test(word) || VERSION_LIKE.test(word)) continue;
    const hits = line.index.target(word, true);
    // ("restart nginx on db-2a": a near miss is never read across what follows a number, as it is never across the number
    // itself; it restarted nginx on db-2.)
    if (hits.length === 1 && hits[0]!.score < 1 && /\d/.test(word) && fromDigit(word) !== fromDigit(hits[0]!.item.name)) return { hit: null, unresolved: word, suggestions: index.suggestTargets(word) };
    if (hits.length === 1) return { hit: { target: hits[0]!.item, score: hits[0]!.score, at: i, end: i + 1 } };
    if (hits.length > 1) return { hit: null, unresolved: word, suggestions: hits.map((h) => h.item.name).slice(0, 3) };
    // A host-like word ("web-9", "db7") that is not in the inventory.
    if (/\d/.test(word) && /[a-z]/.test(word)) return { hit: null, unresolved: word, suggestions: index.suggestTargets(word) };
    // "cpu on db": the start of several targets' names, not a target; asked rather than read as every target.
    // ("cpu on cache" with cache-1 alone: the one it starts is asked about too, never dropped for every target.)
    const family = familyOf(index, [word]);
    if (family.length > 0) return { hit: null, unresolved: word, suggestions: family.slice(0, 3) };
  }
  return { hit: null };
}

/** A name's letters and digits from its first digit on ("db-2a" → "2a", "web-1" → "1"). */
function fromDigit(name: string): string {
  return compactKey(name).replace(/^[^0-9]*/, '');
}

/** The targets whose names start with one of the words and then a number ("web" → web-1, web-2), by name. */
export function familyOf(index: InventoryIndex, words: readonly string[]): string[] {
  for (const word of words) {
    if (word.length < 2 || FILLER.has(word)) continue;
    const family = index.inventory.targets.filter((t) => t.name.toLowerCase().startsWith(word) && /^[-_.]?\d/.test(t.name.slice(word.length)));
    if (family.length > 0) return family.map((t) => t.name).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  }
  return [];
}

export function take(taken: Set<number>, from: number, to: number): void {
  for (let i = from; i < to; i++) taken.add(i);
}

/** The id after a noun ("incident 7", "inc #7"), or the first bare id. */
/** A unit of time written apart from its number ("2 hours", "30 min"). */
const TIME_UNIT = /^(?:h|hrs?|hours?|m|mins?|minutes?|d|days?|s|secs?|seconds?|w|wks?|weeks?)$/;
export const isTimeUnit = (norm: string | undefined): boolean => TIME_UNIT.test(norm ?? '');

export function idAfter(tokens: readonly Token[], taken: ReadonlySet<number>, nouns: (norm: string) => boolean): { id: number; at: number; noun: number | null } | null {
  for (let i = 0; i < tokens.length; i++) {
    // One word: "inc-7", "INC7", "incident#7" (how ticket systems write them).
    const joined = taken.has(i) ? null : /^([a-z]+)[-_#]?(\d{1,9})$/.exec(tokens[i]!.norm);
    if (joined && nouns(joined[1]!)) return { id: Number(joined[2]), at: i, noun: null };
  }
  for (let i = 0; i < tokens.length - 1; i++) {
    if (taken.has(i) || !nouns(tokens[i]!.norm)) continue;
    // ("silence disk alerts 2 hours", "ack disk alerts 2 hours": a number the reading has taken as a length, or one its unit
    // follows, is no id; they silenced alert 2, acknowledged alert 2 with the comment "hours".)
    const nextId = taken.has(i + 1) || TIME_UNIT.test(tokens[i + 2]?.norm ?? '') ? null : idOf(tokens[i + 1]);
    if (nextId !== null) return { id: nextId, at: i + 1, noun: i };
    // "incident number 7", "incident no. 7"
    if (['number', 'no', 'nr', 'num'].includes(tokens[i + 1]!.norm) && idOf(tokens[i + 2]) !== null) return { id: idOf(tokens[i + 2])!, at: i + 2, noun: i };
  }
  return null;
}

/**
 * Where free text starts after `from` ("- see INC-7", "because incident 7 covers it", "(inc 7)", "re: …"), or the line's
 * end: ids and nouns in it are the text's own, never what an order acts on.
 */
export function freeTextFrom(tokens: readonly Token[], from: number): number {
  const at = tokens.findIndex((t, i) => i > from && (FREE_TEXT_MARKERS.has(t.norm) || /^[([]/.test(t.raw) || tokens[i - 1]!.colon));
  return at === -1 ? tokens.length : at;
}

export function firstId(tokens: readonly Token[], taken: ReadonlySet<number>, from = 0): { id: number; at: number } | null {
  for (let i = from; i < tokens.length; i++) {
    if (taken.has(i)) continue;
    const id = idOf(tokens[i]);
    if (id !== null) return { id, at: i };
  }
  return null;
}

/** Free text after position `from`, without a leading "with comment", "because", ":" or "-". */
export function commentFrom(line: Line, from: number): string | undefined {
  // ("ack 13 as well", "ack 13 too": no comment, before "as" is read as leading one in.)
  if (onlyCourtesy(restOf(line.text, line.tokens, from))) return undefined;
  let i = from;
  // "with a comment: …", "saying that …", "as known issue": the words that lead a comment in; "because a & b" keeps its "a".
  for (let word = line.tokens[i]?.norm; word !== undefined; word = line.tokens[++i]?.norm) {
    // ("resolve 7 pls, fixed by rollback": the manners before a comment are not its words.)
    const manners = ['please', 'pls', 'plz'].includes(word) || (POLITENESS.has(word) && line.tokens[i]!.raw.endsWith(','));
    const leads = manners || COMMENT_MARKERS.has(word) || word === 'with' || word === 'w/' || (word === 'as' && i === from) || (word === 'well' && line.tokens[i - 1]?.norm === 'as' && i === from + 1) || (word === 'that' && line.tokens[i - 1]?.norm === 'saying') || (word === 'of' && ['because', 'cause'].includes(line.tokens[i - 1]?.norm ?? '')) || (word === 'a' && COMMENT_MARKERS.has(line.tokens[i + 1]?.norm ?? ''));
    if (!leads) break;
  }
  const text = unwrapped(restOf(line.text, line.tokens, i));
  // "ack 12 please", "ack 12 thx", "ack 12 :+1:", "mitigated now": manners, a reaction or a time, not a comment.
  const said = text.toLowerCase().replace(/[!.]+$/, '');
  // (the words as typed: restOf drops a leading ":", which an emoji starts with)
  const typed = i < line.tokens.length ? line.text.slice(line.tokens[i]!.start).trim().toLowerCase().split(/\s+/) : [];
  // ("ack 12 ASAP pls", "ack 12 right now thx": when, which is at once, with manners; it was the comment "ASAP pls".)
  return text === '' || onlyCourtesy(said) || typed.every((word) => EMOJI_CODE.test(word) || NOW_WORDS.has(word.replace(/[!.,]+$/, '')) || isManners(word.replace(/[!.,]+$/, ''))) ? undefined : text;
}

/**
 * Words that only say yes to something ("ok", "np", "sure thing"), or manners ("please", "thanks", "merci", "danke schön"),
 * said alone after the order, with the words that join them ("pls and thx") and reactions beside them ("👍 thx"): the
 * writer's courtesy, not what the alert or incident is to be remembered by (they were kept as its comment). "ack 12 ok
 * rolling back" keeps its comment whole. (One predicate: the assent and the manners were two near copies.)
 */
function onlyCourtesy(text: string): boolean {
  const said = text.toLowerCase().replace(/[!.]+$/, '').trim();
  const words = said
    .replace(/\bthank you\b/g, 'thanks')
    .replace(/\b(no (problem|prob|probs|worries)|sure thing|got it|will do|sounds good|roger that)\b/g, 'ok')
    // ("can you ack 12 for me", "resolve 7 for us pls": who it is done for is the asker, said as manners; it was the comment.)
    .replace(/^for (me|us)\b/, 'please')
    .split(/[\s,!.]+/)
    .filter(Boolean);
  return POLITENESS.has(said) || (words.some((w) => !MANNERS_JOINERS.has(w)) && words.every((w) => ASSENT_WORDS.has(w) || MANNERS_JOINERS.has(w) || POLITENESS.has(w) || OTHER_MANNERS.has(w) || EMOJI_CODE.test(w) || FOREIGN_MANNERS_PARTS.has(w)));
}
const ASSENT_WORDS: ReadonlySet<string> = new Set(['ok', 'okay', 'k', 'kk', 'okey', 'oki', 'np', 'nw', 'sure', 'yes', 'yep', 'yup', 'yeah', 'ya', 'roger', 'gotcha', 'wilco', 'sgtm', 'lgtm', 'cool']);
/** The words of manners typed in two ("danke schön", "s'il vous plaît") that are no manners alone. */
const FOREIGN_MANNERS_PARTS: ReadonlySet<string> = new Set(['schön', 'vous', 'plaît', "s'il"]);

/** "ack 12 now", "ack 12 right now", "ack 12 asap", "ack 12 rn", "ok, ack 12 then": when, which is at once, not a comment. */
const NOW_WORDS = new Set(['now', 'right', 'asap', 'rn', 'immediately', 'straight', 'away', 'then']);

/** What joins two words of manners ("pls and thx", "please & thank you", "pls n thx"). */
const MANNERS_JOINERS = new Set(['and', '&', 'n', '+']);

/** An emoji as typed: Slack's code (":+1:", ":eyes:", ":pray::pray:" typed together) or the pictographs themselves ("🙏", "👍🏽"). */
export const EMOJI_CODE = /^(?:(?::[a-z0-9_+'-]+:)+|(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f|\u2640|\u2642)+|<\/?3+|[:;=][-o^']?[)(\][dpo/\\|*$@]+|x-?d+|\^_?\^|-_-|t_t|:'\()$/u;
const WRAPS: Readonly<Record<string, string>> = wordTable({ '"': '"', "'": "'", '“': '”', '‘': '’', '(': ')', '[': ']' });

/** ("rolling back"), "rolling back": the wrapping is the writer's, not the text's. */
export function unwrapped(text: string): string {
  return text.replace(/^(["'“‘([])(.*)(["'”’)\]])$/s, (whole, open: string, inner: string, close: string) => (WRAPS[open] === close && !inner.includes(close) && !inner.includes(open) ? inner.trim() : whole));
}

const POLITENESS = new Set(['please', 'pls', 'plz', ...THANKS, 'thank you', 'too', 'as well', 'also']);
export const isIncidentNoun = (norm: string) => is(norm, 'incident');

export const isAlertNoun = (norm: string) => is(norm, 'alert');

/** Words that join the ends of a range of ids ("7 to 9", "12 through 14", "4..6"). */
const RANGE_JOINERS: ReadonlySet<string> = new Set(['to', 'through', 'thru', '..']);

/** Words that join one id to the next ("12 and 13", "12 & 13", "12 or 13", "12 and also 13", "12 as well as 13", "12 plus 13"). */
export const ID_JOINERS: ReadonlySet<string> = new Set(['and', '&', '+', 'or', 'also', 'plus', 'as', 'well', 'then']);

/**
 * Ids listed after the first one ("12, 13 and 14", "12 & 13"): only with a comma or "and"
 * between them, so that "ack 12 3 nodes down" keeps "3 nodes down" as its comment.
 */
export function moreIds(tokens: readonly Token[], first: number): { ids: number[]; last: number } | null {
  // "unack 12 13", "unsilence 4 5": nothing but ids after the first is a list too.
  const rest = tokens.slice(first + 1);
  if (rest.length > 0 && rest.length < 50 && rest.every((t) => idOf(t) !== null)) return { ids: rest.map((t) => idOf(t)!), last: tokens.length - 1 };
  // ("unack 12 13 np", "resolve incident 7 8 thx 🙏": ids followed by what is no comment, assent, manners or a reaction, are
  // the same list; it was 12 with the comment "13 np". "unack 12 3 nodes down" keeps its comment.)
  const idCount = rest.findIndex((t) => idOf(t) === null);
  const tail = rest.slice(idCount).map((t) => t.raw.toLowerCase()).join(' ');
  if (idCount > 0 && idCount < 50 && (onlyCourtesy(tail) || rest.slice(idCount).every(isCourtesy))) return { ids: rest.slice(0, idCount).map((t) => idOf(t)!), last: first + idCount };
  // ("resolve incidents 7 to 9", "unack 12 through 14", "unsilence 4..6": a range; it was read as 7 with the comment "to 9".)
  const from = idOf(tokens[first]);
  const to = RANGE_JOINERS.has(tokens[first + 1]?.norm ?? '') ? idOf(tokens[first + 2]) : null;
  if (from !== null && to !== null && to > from && to - from < 50) return { ids: Array.from({ length: to - from }, (_, k) => from + 1 + k), last: first + 2 };
  const ids: number[] = [];
  let last = first;
  // "alert 12 and alert 13", "incident 7, incident 8": the noun said again before each.
  const noun = tokens[first - 1]?.norm.replace(/s$/, '');
  for (let i = first; i + 1 < tokens.length; ) {
    // ("7 or 8" is a list too, of which one is not said: the rules that take a list ask about it;
    // "7 and also 8", "7 as well as 8", "7 plus 8" are lists.)
    let next = i + 1;
    while (next < tokens.length && ID_JOINERS.has(tokens[next]!.norm)) next++;
    const joiner = next > i + 1;
    if (noun && (isAlertNoun(noun) || isIncidentNoun(noun)) && tokens[next]?.norm.replace(/s$/, '') === noun) next++;
    // ("note on 7 8: rollback done": ids side by side before a colon are a list too; it was a note on 7 saying "8: …".)
    const beforeColon = next === i + 1 && tokens[next]?.colon === true;
    if (!(tokens[i]!.raw.endsWith(',') || joiner || beforeColon) || idOf(tokens[next]) === null) break;
    ids.push(idOf(tokens[next])!);
    last = next;
    i = next;
  }
  return ids.length > 0 ? { ids, last } : null;
}

/** A time of day ("10pm", "11:30", "2 a.m."), which is when, not what. */
export const CLOCK_TIME = /^(\d{1,2}(:\d{2})?\s*(am|pm|a\.m|p\.m)|\d{1,2}:\d{2}|noon|midnight)$/;

export function escapeRegex(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const DAY_MS = 86_400_000;

/**
 * The window of "from 2 hours ago to 1 hour ago", "3h ago until 1h ago": two moments said as
 * durations ago, which read alone would be "the last 2 hours". Null unless the line says one.
 */
export function agoWindow(line: Line, taken: ReadonlySet<number>, duration: { end: number } | undefined): TimeRange | null {
  const { tokens, ref } = line;
  if (!duration || tokens[duration.end]?.norm !== 'ago' || !['to', 'until', 'till', '-'].includes(tokens[duration.end + 1]?.norm ?? '')) return null;
  const range = findTimeRange(line.text, tokens, taken, ref);
  return range && range.to < ref.now - 60_000 ? range : null;
}

/** Words that start a time ("since …", "from …", "last …"): one left unread says a window the reading would not chart. */
const TIME_LEADS = new Set(['since', 'from', 'between', 'until', 'till', 'til', 'before', 'after', 'starting', 'last', 'past', 'previous']);

/**
 * A time said but not read ("since lunch", "since the deploy", "the last 45", "since 0900"): its words as
 * typed, or null. A reading that charts or lists the default window instead would answer for another time than asked.
 */
export function unreadTime(tokens: readonly Token[], taken: ReadonlySet<number>, windowRead = false): string | null {
  // (With a window read, "around 2am last night": only a start or an end said apart from it is one more time.)
  const leads = (norm: string) => TIME_LEADS.has(norm) && !(windowRead && LENGTH_LEADS.has(norm));
  const date = tokens.findIndex((t, i) => !taken.has(i) && DATE_LIKE.test(t.norm));
  const lead = tokens.findIndex((t, i) => !taken.has(i) && leads(t.norm) && tokens[i + 1] !== undefined && !taken.has(i + 1) && !FILLER.has(tokens[i + 1]!.norm.replace(/^the$/, '')));
  const at = lead === -1 ? date : lead;
  if (at === -1) return null;
  let end = at + 1;
  while (end < tokens.length && !taken.has(end)) end++;
  return tokens.slice(at, end).map((t) => t.raw).join(' ').replace(/[,;.!?]+$/, '');
}

const LENGTH_LEADS = new Set(['last', 'past', 'previous']);
/** "9/3", "03/09/2026", "9.3.": a date in digits, which the day-month and month-day orders read differently. */
const DATE_LIKE = /^\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?$/;

/** How a window is said so that it is read, for an answer that could not read one. */
export const WINDOW_EXAMPLES = '"last 2h", "since 9am", "since 09:30", "yesterday" or "from 9am to 11am"';

/** A past window said with the alerts ("in the last 2h", "overnight", "since midnight"), its words taken. */
export function alertWindow(line: Line, taken: Set<number>): { from: number; to: number } | null {
  const { tokens, ref } = line;
  const found = findDurations(tokens, taken).find((d) => d.ms > 0);
  const duration = agoWindow(line, taken, found) ? undefined : found;
  if (duration) {
    take(taken, duration.start, duration.end);
    for (let k = duration.start - 1; k >= 0 && ['last', 'past', 'previous', 'the', 'over', 'in', 'for', 'during', 'within'].includes(tokens[k]!.norm); k--) taken.add(k);
    if (tokens[duration.end]?.norm === 'ago') taken.add(duration.end);
    return { from: ref.now - duration.ms, to: ref.now };
  }
  const range = findTimeRange(line.text, tokens, taken, ref);
  if (!range || range.from >= ref.now) return null;
  take(taken, range.start, range.end);
  return { from: range.from, to: Math.min(range.to, ref.now) };
}

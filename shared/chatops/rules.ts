import { MAX_ALERTS_AT_ONCE, type Command, type IncidentsListSlots, type IncidentStatusSlots, type Intent, type Severity, type SilenceMatcher, type SilencesListSlots } from './intents.ts';
import { actionOf, ALL_WORDS, FILLER, FREE_TEXT_MARKERS, is, SEVERITY_WORDS, severitySlots, STATE_WORDS, verbOf } from './lexicon.ts';
import { conceptOf, type InventoryIndex, type InventoryRunbook, type InventoryTarget } from './inventory.ts';
import { findDurations, findEmptyDuration, findPeriodEnd, findTimeRange, findUntil, type TimeReference } from './times.ts';
import { formatDuration } from './format.ts';
import { idOf, restOf, type Token } from './tokens.ts';

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
const DEFAULT_SILENCE_SECONDS = 3600;
const DEFAULT_RANGE_MS = 3_600_000;

/** Confidence lost per word the reading cannot account for. */
function leftoverFactor(tokens: readonly Token[], taken: ReadonlySet<number>): number {
  let unknown = 0;
  tokens.forEach((token, i) => {
    if (!taken.has(i) && !FILLER.has(token.norm)) unknown++;
  });
  return Math.pow(0.8, unknown);
}

/** The first token among the first `within` (fillers skipped) that is the verb, and how surely. */
function leadingVerb(tokens: readonly Token[], test: (norm: string) => number, within = 3): { at: number; score: number } | null {
  let seen = 0;
  for (let i = 0; i < tokens.length && seen < within; i++) {
    const score = test(tokens[i]!.norm);
    if (score > 0) return { at: i, score };
    if (!FILLER.has(tokens[i]!.norm)) seen++;
  }
  return null;
}

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
function findTarget(line: Line, taken: ReadonlySet<number>): { hit: TargetHit | null; unresolved?: string; suggestions?: string[] } {
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
    const short = /^[a-z][\w-]*\d[\w-]*\.[a-z][\w.-]*$/.test(tokens[i]!.norm) ? index.target(tokens[i]!.norm.split('.')[0]!, false)[0] : undefined;
    if (short) return { hit: { target: short.item, score: 0.9, at: i, end: i + 1 } };
  }
  for (let i = 1; i < tokens.length; i++) {
    if (taken.has(i) || !TARGET_PREPS.has(tokens[i - 1]!.norm)) continue;
    const word = tokens[i]!.norm;
    // "cpu on 10.0.0.5", "on 10.0.0.5:9100": an address is a target's name, found or not.
    if (/^\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?$/.test(word)) {
      const hit = index.target(word, false)[0];
      return hit ? { hit: { target: hit.item, score: 1, at: i, end: i + 1 } } : { hit: null, unresolved: word, suggestions: [] };
    }
    // "at 3am", "on the 8th", "for 2h": times and durations, not a host named so.
    // "to v4.11.2": a version, not a host named so.
    if (FILLER.has(word) || !/[a-z]/.test(word) || idOf(tokens[i]) !== null || TIME_LIKE.test(word) || VERSION_LIKE.test(word)) continue;
    const hits = line.index.target(word, true);
    if (hits.length === 1) return { hit: { target: hits[0]!.item, score: hits[0]!.score, at: i, end: i + 1 } };
    if (hits.length > 1) return { hit: null, unresolved: word, suggestions: hits.map((h) => h.item.name).slice(0, 3) };
    // A host-like word ("web-9", "db7") that is not in the inventory.
    if (/\d/.test(word) && /[a-z]/.test(word)) return { hit: null, unresolved: word, suggestions: index.suggestTargets(word) };
    // "cpu on db": the start of several targets' names, not a target; asked rather than read as every target.
    const family = familyOf(index, [word]);
    if (family.length > 1) return { hit: null, unresolved: word, suggestions: family.slice(0, 3) };
  }
  return { hit: null };
}

/** The targets whose names start with one of the words and then a number ("web" → web-1, web-2), by name. */
function familyOf(index: InventoryIndex, words: readonly string[]): string[] {
  for (const word of words) {
    if (word.length < 2 || FILLER.has(word)) continue;
    const family = index.inventory.targets.filter((t) => t.name.toLowerCase().startsWith(word) && /^[-_.]?\d/.test(t.name.slice(word.length)));
    if (family.length > 0) return family.map((t) => t.name).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  }
  return [];
}

function take(taken: Set<number>, from: number, to: number): void {
  for (let i = from; i < to; i++) taken.add(i);
}

/** The id after a noun ("incident 7", "inc #7"), or the first bare id. */
function idAfter(tokens: readonly Token[], taken: ReadonlySet<number>, nouns: (norm: string) => boolean): { id: number; at: number; noun: number | null } | null {
  for (let i = 0; i < tokens.length; i++) {
    // One word: "inc-7", "INC7", "incident#7" (how ticket systems write them).
    const joined = taken.has(i) ? null : /^([a-z]+)[-_#]?(\d{1,9})$/.exec(tokens[i]!.norm);
    if (joined && nouns(joined[1]!)) return { id: Number(joined[2]), at: i, noun: null };
  }
  for (let i = 0; i < tokens.length - 1; i++) {
    if (taken.has(i) || !nouns(tokens[i]!.norm)) continue;
    const nextId = idOf(tokens[i + 1]);
    if (nextId !== null) return { id: nextId, at: i + 1, noun: i };
    // "incident number 7", "incident no. 7"
    if (['number', 'no', 'nr', 'num'].includes(tokens[i + 1]!.norm) && idOf(tokens[i + 2]) !== null) return { id: idOf(tokens[i + 2])!, at: i + 2, noun: i };
  }
  return null;
}

function firstId(tokens: readonly Token[], taken: ReadonlySet<number>, from = 0): { id: number; at: number } | null {
  for (let i = from; i < tokens.length; i++) {
    if (taken.has(i)) continue;
    const id = idOf(tokens[i]);
    if (id !== null) return { id, at: i };
  }
  return null;
}

/** Free text after position `from`, without a leading "with comment", "because", ":" or "-". */
function commentFrom(line: Line, from: number): string | undefined {
  let i = from;
  // "with a comment: …", "saying that …", "as known issue": the words that lead a comment in; "because a & b" keeps its "a".
  for (let word = line.tokens[i]?.norm; word !== undefined; word = line.tokens[++i]?.norm) {
    const leads = COMMENT_MARKERS.has(word) || word === 'with' || (word === 'as' && i === from) || (word === 'that' && line.tokens[i - 1]?.norm === 'saying') || (word === 'a' && COMMENT_MARKERS.has(line.tokens[i + 1]?.norm ?? ''));
    if (!leads) break;
  }
  const text = unwrapped(restOf(line.text, line.tokens, i));
  // "ack 12 please", "ack 12 thx", "ack 12 :+1:", "mitigated now": manners, a reaction or a time, not a comment.
  const said = text.toLowerCase().replace(/[!.]+$/, '');
  // (the words as typed: restOf drops a leading ":", which an emoji starts with)
  const typed = i < line.tokens.length ? line.text.slice(line.tokens[i]!.start).trim().toLowerCase().split(/\s+/) : [];
  return text === '' || POLITENESS.has(said) || typed.every((word) => EMOJI_CODE.test(word) || word === 'now') ? undefined : text;
}

/** An emoji as typed: Slack's code (":+1:", ":eyes:") or the pictographs themselves ("🙏", "👍🏽"). */
const EMOJI_CODE = /^(?::[a-z0-9_+'-]+:|(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f)+)$/u;

const WRAPS: Readonly<Record<string, string>> = { '"': '"', "'": "'", '“': '”', '‘': '’', '(': ')' };

/** ("rolling back"), "rolling back": the wrapping is the writer's, not the text's. */
function unwrapped(text: string): string {
  return text.replace(/^(["'“‘(])(.*)(["'”’)])$/s, (whole, open: string, inner: string, close: string) => (WRAPS[open] === close && !inner.includes(close) && !inner.includes(open) ? inner.trim() : whole));
}
const POLITENESS = new Set(['please', 'pls', 'plz', 'thanks', 'thx', 'ty', 'thank you', 'cheers', 'ta']);

const isIncidentNoun = (norm: string) => is(norm, 'incident');
const isAlertNoun = (norm: string) => is(norm, 'alert');

// help -------------------------------------------------------------------------------------

const TOPICS: [RegExp, Exclude<Intent, 'help' | 'unknown'>][] = [
  [/\b(unsilence|unmute|expire)\b/, 'silence.expire'],
  [/\b(silenc\w*|mute|snooze)\b/, 'silence.create'],
  [/\b(un-?ack\w*)\b/, 'alert.unack'],
  [/\b(ack\w*)\b/, 'alert.ack'],
  [/\b(notes?|annotate)\b/, 'incident.note'],
  [/\b(resolve|close|mitigate|reopen)\b/, 'incident.status'],
  [/\b(assign|commander|ic|take command)\b/, 'incident.assign'],
  [/\b(incidents?)\b/, 'incident.show'],
  [/\b(anomal\w*|why|explain)\b/, 'anomaly.explain'],
  [/\b(list|which|what) (the )?runbooks\b/, 'runbooks.list'],
  [/\b(runbooks?|restart|run)\b/, 'runbook.run'],
  [/\balerts? #?\d+\b/, 'alert.show'],
  [/\b(alerts?|firing)\b/, 'alerts.list'],
  [/\b(metrics?|charts?|graphs?|cpu|memory)\b/, 'metrics.show'],
];

export const helpRule: Rule = (line) => {
  const lower = line.text.toLowerCase().trim();
  // A greeting alone ("hi", "hello bot") is answered with what can be asked.
  // ("ping", "are you there", "test": is anyone listening — answered the same way.)
  const phrase = /^(what can (i|you) (do|ask|say)|what do you (do|understand|know)|how do (i|you) use( this| you)?|what are (the|your) commands|\?+|(hi|hello|hey|hiya|howdy|yo|good (morning|afternoon|evening))( there)?( (bot|smartcloudops|ops))?[!.]*|ping|test(ing)?|(are )?you there|(is )?any(one|body) (there|home)|who are you|what is smartcloudops)\??$/.test(lower);
  // "how do I silence an alert?", "how to ack", "what does ack do", "what can I ask about incidents": a question about a command.
  const howTo = /^(?:how (?:do|can|should|would) (?:i|we|you|one) |how to |what (?:does|do|is) (?:an? |the )?|what can (?:i|we) (?:ask|do|say) (?:about|with) )(.+?)\??$/.exec(lower);
  const howTopic = howTo ? TOPICS.find(([re]) => re.test(howTo[1]!))?.[1] : undefined;
  if (howTopic && (!lower.startsWith('what') || /\b(do|mean|about|with)\b/.test(lower))) return { command: { intent: 'help', slots: { topic: howTopic } }, confidence: 1 };
  const found = leadingVerb(line.tokens, (n) => verbOf(n, 'help'), 2);
  // A near miss counts only as the line's first word ("halp", "comands"): further in, "commander" is its own word.
  const verb = found && (found.score === 1 || found.at === 0) ? found : null;
  if (!phrase && !verb) return null;
  const rest = verb ? line.tokens.slice(verb.at + 1).map((t) => t.norm).join(' ') : '';
  const topic = TOPICS.find(([re]) => re.test(rest))?.[1];
  return { command: { intent: 'help', slots: topic ? { topic } : {} }, confidence: phrase ? 1 : verb!.score * (rest === '' || topic ? 1 : 0.9) };
};

/** A typed yes: confirmations are confirmed on their card, bound to it. */
const TYPED_YES = /^(y|yes|yep|yeah|yup|confirm|confirmed|ok|okay|ok do it|do it|go|go ahead|proceed|sure|lgtm|approve)( please| now| go ahead)?[!.]*$/;
/** A typed no or undo: nothing pending is done unless confirmed. */
const TYPED_NO = /^(n|no|nope|cancel|never ?mind|nvm|abort|stop|undo( that| it)?|oops|wrong one)[!.]*$/;

/** "yes", "go ahead", "cancel", "never mind": answers to a confirmation, which are given on its card. */
export const replyRule: Rule = (line) => {
  const lower = line.text.toLowerCase().replace(/[’‘]/g, "'").trim();
  if (TYPED_YES.test(lower)) return { command: { intent: 'help', slots: {} }, confidence: 0.45, problem: 'A typed "yes" confirms nothing: press Confirm on the card above, e.g. the card "ack 12" answers with (each confirmation is bound to its own card).' };
  if (TYPED_NO.test(lower)) return { command: { intent: 'help', slots: {} }, confidence: 0.45, problem: 'Nothing is done until it is confirmed: an unconfirmed card expires by itself (or press Cancel on it). To undo a change, ask for its opposite, e.g. "unack 12" or "unsilence 4".' };
  return null;
};

// alert.ack --------------------------------------------------------------------------------

const QUESTION_WORDS = new Set(['who', 'when', 'did', 'was', 'were', 'has', 'have', 'is', 'why', 'whom']);

export const ackRule: Rule = (line) => {
  const { tokens } = line;
  const verb = leadingVerb(tokens, (n) => verbOf(n, 'ack'));
  // "unacknowledge 12" is one edit-pair from "acknowledge": its opposite, read by unackRule.
  if (!verb || UNACK_VERBS.has(tokens[verb.at]!.norm) || tokens[verb.at - 1]?.norm === 'un') return null;
  // "who acked 12?", "was 12 acknowledged": a question about an acknowledgement, not one to make.
  if (QUESTION_WORDS.has(tokens[0]?.norm ?? '')) return null;
  const taken = new Set<number>([verb.at]);
  const incident = idAfter(tokens, taken, isIncidentNoun);
  const range = incident ? null : idRange(tokens, verb.at + 1);
  if (range) {
    take(taken, range.at, range.end);
    tokens.forEach((t, i) => i > verb.at && i < range.at && (isAlertNoun(t.norm) || FILLER.has(t.norm)) && taken.add(i));
    const count = range.last - range.first + 1;
    if (count > MAX_ALERTS_AT_ONCE) return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: `Alerts ${range.first} to ${range.last} are ${count} alerts, more than ${MAX_ALERTS_AT_ONCE} at once: acknowledge their incident instead, e.g. "ack incident 7".` };
    const comment = commentFrom(line, range.end);
    const alertIds = Array.from({ length: count }, (_, k) => range.first + k);
    return { command: { intent: 'alert.ack', slots: comment ? { alertIds, comment } : { alertIds } }, confidence: verb.score * leftoverFactor(tokens.slice(0, range.end), taken) };
  }
  const alert = incident ? null : idAfter(tokens, taken, isAlertNoun) ?? firstId(tokens, taken, verb.at + 1) ?? firstId(tokens, taken);
  const found = incident ?? alert;
  if (!found) {
    const all = tokens.findIndex((t, i) => i > verb.at && ALL_WORDS.has(t.norm));
    if (all !== -1 && IMPERATIVE_ACK.has(tokens[verb.at]!.norm)) return ackTargetReading(line, verb, all);
    // "acked alerts" is a question about alerts, not an acknowledgement.
    if (!IMPERATIVE_ACK.has(tokens[verb.at]!.norm) && tokens.some((t) => isAlertNoun(t.norm))) return null;
    // "ack the db-1 alert", "ack the latest alert": which one is not said; ask, with the target's form when one is named.
    const target = findTarget(line, taken);
    const example = target.hit ? `"ack all alerts on ${target.hit.target.name}"` : '"ack all alerts on db-1"';
    return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: `Say which alert (or incident) to acknowledge by its id, e.g. "ack 12 rolling back", or every firing one of a target: ${example}.` };
  }
  const noun = 'noun' in found ? (found.noun as number | null) : null;
  if (noun !== null) taken.add(noun);
  taken.add(found.at);
  // "ack incident 7 and 8": each incident's alerts are confirmed on their own.
  const otherIncidents = incident ? moreIds(tokens, found.at) : null;
  if (otherIncidents) return { command: { intent: 'alert.ack', slots: { incidentId: found.id } }, confidence: 0.45 * verb.score, problem: `One incident at a time, e.g. ${[found.id, ...otherIncidents.ids].map((id) => `"ack incident ${id}"`).join(', then ')}.` };
  // "ack 12 13 14", "acknowledge #12 #13": nothing but ids after the first is a list, not a comment ("ack 12 3 nodes down" is one).
  const spaced = tokens.slice(found.at + 1);
  const onlyIds = !incident && spaced.length > 0 && spaced.length < MAX_ALERTS_AT_ONCE && spaced.every((t) => idOf(t) !== null);
  const more = incident ? null : onlyIds ? { ids: spaced.map((t) => idOf(t)!), last: tokens.length - 1 } : moreIds(tokens, found.at);
  const last = more ? more.last : found.at;
  const comment = found.at > verb.at ? commentFrom(line, last + 1) : commentFrom(line, verb.at + 1);
  const ids = [...new Set([found.id, ...(more?.ids ?? [])])];
  const slots = incident ? { incidentId: incident.id } : ids.length > 1 ? { alertIds: ids } : { alertId: found.id };
  return { command: { intent: 'alert.ack', slots: comment ? { ...slots, comment } : slots }, confidence: verb.score };
};

// alert.unack ------------------------------------------------------------------------------

/** The orders that take an acknowledgement back ("unack 12", "un-acknowledge alert 12"). */
const UNACK_VERBS = new Set(['unack', 'unacknowledge', 'un-ack', 'un-acknowledge', 'unackd', 'unclaim']);

/** "unack 12 acked by mistake": the alert fires again; one alert at a time. */
export const unackRule: Rule = (line) => {
  const { tokens } = line;
  const lead = tokens[0]?.norm === 'please' || tokens[0]?.norm === 'pls' ? 1 : 0;
  const split = tokens[lead]?.norm === 'un' && verbOf(tokens[lead + 1]?.norm, 'ack') === 1;
  if (!UNACK_VERBS.has(tokens[lead]?.norm ?? '') && !split) return null;
  const verbAt = split ? lead + 1 : lead;
  const taken = new Set<number>([verbAt]);
  const incident = idAfter(tokens, taken, isIncidentNoun);
  if (incident) return { command: { intent: 'alert.unack', slots: { alertId: 0 } }, confidence: 0.45, problem: `One alert at a time: un-acknowledge an alert of incident ${incident.id} by its id, e.g. "unack 12"; "incident ${incident.id}" lists them.` };
  const found = idAfter(tokens, taken, isAlertNoun) ?? firstId(tokens, taken, verbAt + 1);
  if (!found) return { command: { intent: 'alert.unack', slots: { alertId: 0 } }, confidence: 0.45, problem: 'Say which alert to un-acknowledge by its id, e.g. "unack 12 acked by mistake".' };
  const more = moreIds(tokens, found.at);
  if (more) return { command: { intent: 'alert.unack', slots: { alertId: found.id } }, confidence: 0.45, problem: `One alert at a time, e.g. ${[found.id, ...more.ids].map((id) => `"unack ${id}"`).join(', then ')}.` };
  const comment = commentFrom(line, found.at + 1);
  return { command: { intent: 'alert.unack', slots: comment ? { alertId: found.id, comment } : { alertId: found.id } }, confidence: 1 };
};

/**
 * A range of ids after `from` ("12-15", "#12..#15", "12 to 15", "12 through 15"): its first
 * and last id and the tokens it spans. Only an ascending range; its size is checked by the caller.
 */
function idRange(tokens: readonly Token[], from: number): { first: number; last: number; at: number; end: number } | null {
  for (let i = from; i < tokens.length; i++) {
    const joined = /^#?(\d{1,9})(?:-|–|\.\.)#?(\d{1,9})$/.exec(tokens[i]!.norm);
    if (joined && Number(joined[2]) > Number(joined[1])) return { first: Number(joined[1]), last: Number(joined[2]), at: i, end: i + 1 };
    const first = idOf(tokens[i]);
    if (first === null) continue;
    // A spaced dash starts a comment ("ack 12 - 15 minutes to fix"), so only words join a range.
    const last = ['to', 'through', 'thru', '..'].includes(tokens[i + 1]?.norm ?? '') ? idOf(tokens[i + 2]) : null;
    return last !== null && last > first ? { first, last, at: i, end: i + 3 } : null;
  }
  return null;
}

/** The imperative forms: "acked alerts" or "acknowledged" before a list is a question. */
const IMPERATIVE_ACK = new Set(['ack', 'acknowledge', 'claim']);

/**
 * Ids listed after the first one ("12, 13 and 14", "12 & 13"): only with a comma or "and"
 * between them, so that "ack 12 3 nodes down" keeps "3 nodes down" as its comment.
 */
function moreIds(tokens: readonly Token[], first: number): { ids: number[]; last: number } | null {
  const ids: number[] = [];
  let last = first;
  for (let i = first; i + 1 < tokens.length; ) {
    const joiner = ['and', '&', '+'].includes(tokens[i + 1]!.norm);
    const next = joiner ? i + 2 : i + 1;
    if (!(tokens[i]!.raw.endsWith(',') || joiner) || idOf(tokens[next]) === null) break;
    ids.push(idOf(tokens[next])!);
    last = next;
    i = next;
  }
  return ids.length > 0 ? { ids, last } : null;
}

/** "ack all alerts on db-1", "ack everything on web-1": the target's firing alerts. */
function ackTargetReading(line: Line, verb: { at: number; score: number }, all: number): Reading | null {
  const { tokens } = line;
  const taken = new Set<number>([verb.at, all]);
  // "ack all critical alerts on db-1": only those of the severities said.
  const severities: Severity[] = [];
  tokens.forEach((t, i) => {
    if (isAlertNoun(t.norm) || ['firing', 'open', 'the', 'of', 'its'].includes(t.norm)) taken.add(i);
    if (SEVERITY_WORDS[t.norm]) {
      severities.push(SEVERITY_WORDS[t.norm]!);
      taken.add(i);
    }
  });
  const target = findTarget(line, taken);
  if (target.unresolved) return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: `No target named "${target.unresolved}".`, suggestions: target.suggestions ?? [] };
  if (!target.hit) return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: 'Say whose alerts to acknowledge, e.g. "ack all alerts on db-1", or which: "ack 12, 13".' };
  take(taken, target.hit.at, target.hit.end);
  return { command: { intent: 'alert.ack', slots: { target: target.hit.target.name, ...severitySlots(severities) } }, confidence: verb.score * target.hit.score * leftoverFactor(tokens, taken) };
}

// silences.list ----------------------------------------------------------------------------

/** The words around a question for a list ("are there any … right now", "which … do we have"), read as nothing more. */
const LIST_QUESTION_WORDS = new Set(['any', 'all', 'there', 'are', 'is', 'which', 'what', 'whats', "what's", 'right', 'now', 'do', 'we', 'have']);

const SILENCE_STATE_WORDS: Readonly<Record<string, SilencesListSlots['state']>> = {
  active: 'active', current: 'active', running: 'active',
  pending: 'pending', upcoming: 'pending', scheduled: 'pending', future: 'pending',
  expired: 'expired', ended: 'expired', past: 'expired', old: 'expired', previous: 'expired',
};

/** "silences" as a noun, or "silence" after a list word or a state: a question, not a silence to create. */
function isSilencesQuestion(tokens: readonly Token[], at: number): boolean {
  const word = tokens[at]!.norm;
  if (word === 'silences' || word === 'mutes') return true;
  return tokens.slice(0, at).some((t) => is(t.norm, 'list') || is(t.norm, 'show') || SILENCE_STATE_WORDS[t.norm] !== undefined || ['any', 'which', 'what', 'whats', "what's", 'who', 'when', 'is', 'are', 'how'].includes(t.norm));
}

/** "active silences", "list silences on web-1", "expired silences". */
export const silencesListRule: Rule = (line) => {
  const { tokens } = line;
  const noun = tokens.findIndex((t) => ['silences', 'mutes', 'silence', 'mute', 'silenced', 'muted'].includes(t.norm));
  if (noun === -1 || !isSilencesQuestion(tokens, noun)) return null;
  // "show silenced alerts", "which alerts are silenced": the alerts, not the silences (alertsRule); "how to silence" asks for help.
  if (silencedFilterOf(tokens)?.at === noun || (tokens[0]?.norm === 'how' && tokens[1]?.norm === 'to')) return null;
  // "unsilence 4", "silence 4 can end": one silence by its id is another command.
  if (firstId(tokens, new Set()) !== null) return null;
  // "end all silences", "remove the silences on web-1": an order to expire, which names one silence (unsilenceRule asks which).
  if (is(tokens[0]?.norm, 'expire') || verbOf(tokens[0]?.norm, 'unsilence') > 0) return null;
  const taken = new Set<number>([noun]);
  let state: SilencesListSlots['state'];
  tokens.forEach((t, i) => {
    const said = SILENCE_STATE_WORDS[t.norm];
    if (said) {
      state = said;
      taken.add(i);
    }
    if (is(t.norm, 'list') || is(t.norm, 'show') || LIST_QUESTION_WORDS.has(t.norm) || ['in', 'place', 'force', 'who', 'when', 'how', 'long', 'still', 'the'].includes(t.norm)) taken.add(i);
  });
  const target = findTarget(line, taken);
  if (target.hit) take(taken, target.hit.at, target.hit.end);
  const slots: SilencesListSlots = { ...(state ? { state } : {}), ...(target.hit ? { target: target.hit.target.name } : {}) };
  if (target.unresolved) {
    return { command: { intent: 'silences.list', slots }, confidence: 0.45, problem: `No target named "${target.unresolved}".`, suggestions: target.suggestions ?? [] };
  }
  return { command: { intent: 'silences.list', slots }, confidence: (target.hit?.score ?? 1) * leftoverFactor(tokens, taken) };
};

// silence.expire ---------------------------------------------------------------------------

const SILENCE_NOUNS = new Set(['silence', 'silences', 'mute', 'snooze', 'silencing', 'muting', 'snoozing']);

export const unsilenceRule: Rule = (line) => {
  const { tokens } = line;
  const direct = leadingVerb(tokens, (n) => verbOf(n, 'unsilence'));
  // "unsilenced alerts on web-1": alerts asked for by their state (alertsRule).
  if (direct && silencedFilterOf(tokens)?.at === direct.at) return null;
  let verb = direct;
  const taken = new Set<number>();
  if (!verb) {
    // "expire silence 4", "delete the silence #4", "silence 4 can end"
    const ending = leadingVerb(tokens, (n) => (is(n, 'expire') ? 1 : 0));
    // "stop silencing web-1", "lift the mute": the silence as a noun or a verb's -ing.
    const noun = tokens.findIndex((t) => SILENCE_NOUNS.has(t.norm));
    if (!ending || noun === -1) return null;
    verb = ending;
    taken.add(noun);
  }
  taken.add(verb.at);
  // "unsilence alert 12": alert 12's silences have ids of their own; the alert's card names them.
  const alertRef = idAfter(tokens, taken, isAlertNoun);
  if (alertRef) {
    return { command: { intent: 'silence.expire', slots: { silenceId: 0 } }, confidence: 0.45 * verb.score, problem: `Silences have ids of their own: "alert ${alertRef.id}" shows the silences covering it, then e.g. "unsilence 4" ends one.` };
  }
  const id = idAfter(tokens, taken, (n) => n === 'silence' || n === 'silences') ?? firstId(tokens, taken);
  if (!id) {
    const target = findTarget(line, taken);
    const list = `; "silences${target.hit ? ` on ${target.hit.target.name}` : ''}" lists them`;
    return { command: { intent: 'silence.expire', slots: { silenceId: 0 } }, confidence: 0.45 * verb.score, problem: `Say which silence to expire by its id, e.g. "unsilence 4"${list}.` };
  }
  taken.add(id.at);
  // "unsilence 4 and 5": each silence is expired, and confirmed, on its own.
  const more = moreIds(tokens, id.at);
  if (more) return { command: { intent: 'silence.expire', slots: { silenceId: id.id } }, confidence: 0.45 * verb.score, problem: `One silence at a time, e.g. ${[id.id, ...more.ids].map((n) => `"unsilence ${n}"`).join(', then ')}.` };
  return { command: { intent: 'silence.expire', slots: { silenceId: id.id } }, confidence: verb.score * leftoverFactor(tokens, taken) };
};

// silence.create ---------------------------------------------------------------------------

const MATCHER = /^([a-z_][a-z0-9_]*)(=~|!~|!=|=)(.+)$/i;

export const silenceRule: Rule = (line) => {
  const { tokens } = line;
  const verb = leadingVerb(tokens, (n) => verbOf(n, 'silence'), 2);
  if (!verb) return null;
  // "silenced alerts", "which alerts are muted": alerts asked for by their state (alertsRule).
  if (silencedFilterOf(tokens)?.at === verb.at) return null;
  // "expire silence 4" and "unmute silence 4" end one; "help silence" asks about them.
  if (tokens.slice(0, verb.at).some((t) => is(t.norm, 'expire') || is(t.norm, 'help') || verbOf(t.norm, 'unsilence') > 0)) return null;
  // "list silences", "show active silences", "silences on web-1" ask what is silenced (silencesListRule).
  if (isSilencesQuestion(tokens, verb.at)) return null;
  // "extend silence 4 by 1h": silences are not extended; a new one is what to ask for.
  if (tokens.slice(0, verb.at).some((t) => ['extend', 'prolong', 'lengthen', 'renew'].includes(t.norm))) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds: DEFAULT_SILENCE_SECONDS } }, confidence: 0.45 * verb.score, problem: 'A silence is not extended: create another that starts now, e.g. "silence disk alerts on db-2 for 2h", then "unsilence" the old one if you like.' };
  }
  const taken = new Set<number>([verb.at]);
  // The comment runs from its marker to the end; nothing in it is a matcher or duration.
  // ("while we resize", "during maintenance": why, not what; "during the weekend" is a period.)
  const marker = tokens.findIndex((t, i) => i > verb.at && (FREE_TEXT_MARKERS.has(t.norm) || (t.norm === 'while' && tokens[i - 1]?.norm !== 'a') || (t.norm === 'during' && !DURING_A_PERIOD.test(tokens[i + 1]?.norm ?? ''))));
  let end = marker === -1 ? tokens.length : marker;
  let comment = marker === -1 ? undefined : commentFrom(line, marker);
  for (let i = end; i < tokens.length; i++) taken.add(i);

  let durationSeconds = DEFAULT_SILENCE_SECONDS;
  const duration = findDurations(tokens, taken)[0];
  // "silence db-1 for 1h, maintenance": after the duration and its comma, the rest is the comment.
  if (duration && comment === undefined && duration.end < end && tokens[duration.end - 1]!.raw.endsWith(',')) {
    comment = commentFrom(line, duration.end);
    end = duration.end;
    for (let i = end; i < tokens.length; i++) taken.add(i);
  }
  // "for tonight", "over the weekend", "until end of day": a span of the calendar.
  const period = duration ? null : findPeriodEnd(tokens.slice(0, end), taken, line.ref);
  if (!duration && findEmptyDuration(tokens.slice(0, end), taken) !== null) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'A silence needs a length above zero, e.g. "for 30m" or "until 6pm".' };
  }
  // "for a bit", "for a while", "briefly": say how long.
  if (!duration && !period && tokens.slice(verb.at + 1, end).some((t) => VAGUE_LENGTHS.has(t.norm))) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'Say how long, e.g. "for 30m", "for 2h" or "until 6pm".' };
  }
  // "silence web-1 forever": a silence has an end (at most 366 days); the word is not an alert's name.
  if (tokens.slice(0, end).some((t) => ['forever', 'indefinitely', 'permanently', 'permanent', 'eternally'].includes(t.norm))) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'A silence has an end (at most 366 days): say for how long, e.g. "for 2h" or "until monday 9am"; an alert that should never page is better fixed in its rule.' };
  }
  if (duration) {
    durationSeconds = Math.round(duration.ms / 1000);
    take(taken, duration.start, duration.end);
    // "for 2h", "for the next 3 days": the words that introduce the duration are its own.
    for (let k = duration.start - 1; k >= 0 && ['for', 'during', 'the', 'next', 'coming', 'another'].includes(tokens[k]!.norm); k--) taken.add(k);
  } else if (period?.at === null) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'A silence starts now, and the weekend has not begun: say when it ends, e.g. "until monday 9am", or ask on Friday.' };
  } else if (period) {
    durationSeconds = Math.round((period.at - line.ref.now) / 1000);
    take(taken, period.start, period.end);
  } else {
    // "until 5pm", "till tomorrow 9am"
    const untilAt = tokens.findIndex((t, i) => i < end && !taken.has(i) && ['until', 'till', 'til', 'untill'].includes(t.norm));
    if (untilAt !== -1) {
      const until = findUntil(line.text.slice(0, tokens[end - 1]?.end ?? line.text.length), tokens.slice(0, end), taken, untilAt, line.ref);
      if (!until) {
        // Better to ask than to read "until the end of the week" as part of an alert name.
        return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'Say when the silence ends, e.g. "until 6pm", "until tomorrow 9am" or "for 2h".' };
      }
      durationSeconds = Math.round((until.at - line.ref.now) / 1000);
      take(taken, untilAt, until.end);
    }
  }

  // "silence incident 7": a silence matches labels; an incident's alerts are silenced by what they share.
  const incidentRef = idAfter(tokens.slice(0, end), taken, isIncidentNoun);
  if (incidentRef) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: `A silence matches labels, not an incident: silence incident ${incidentRef.id}'s alerts by name or target, e.g. "silence disk alerts on db-2 for 1h", or acknowledge them with "ack incident ${incidentRef.id}".` };
  }
  // "silence 12 for 30m", "snooze alert #12": one alert by its id, nothing else to match.
  // A bare number only right after the verb: "silence errors on port 8080" names no alert.
  // And only when the line starts with the verb: "extend silence 4 by 1h" is about silence 4.
  const afterVerb = tokens.findIndex((t, i) => i > verb.at && i < end && !taken.has(i) && !FILLER.has(t.norm));
  const leads = tokens.slice(0, verb.at).every((t) => FILLER.has(t.norm));
  const alertRef = !leads ? null : idAfter(tokens.slice(0, end), taken, isAlertNoun) ?? (afterVerb !== -1 && idOf(tokens[afterVerb]) !== null ? { id: idOf(tokens[afterVerb])!, at: afterVerb } : null);
  if (alertRef) {
    // "silence alerts 12 and 13 for 1h": a silence of one alert is made of its labels; one at a time.
    const more = moreIds(tokens.slice(0, end), alertRef.at);
    if (more) {
      const length = duration ? ` for ${formatDuration(durationSeconds * 1000)}` : '';
      return { command: { intent: 'silence.create', slots: { matchers: [], alertId: alertRef.id, durationSeconds } }, confidence: 0.45 * verb.score, problem: `One alert per silence, e.g. ${[alertRef.id, ...more.ids].map((id) => `"silence ${id}${length}"`).join(', then ')}; or silence what they share, e.g. their name or target.` };
    }
    taken.add(alertRef.at);
    if ('noun' in alertRef && alertRef.noun !== null) taken.add(alertRef.noun as number);
    tokens.forEach((t, i) => i < end && (isAlertNoun(t.norm) || FILLER.has(t.norm)) && taken.add(i));
    const slots = { matchers: [], alertId: alertRef.id, durationSeconds, ...(comment ? { comment } : {}) };
    return { command: { intent: 'silence.create', slots }, confidence: verb.score * leftoverFactor(tokens, taken) };
  }
  // "silence web-1 30", "for 30": a number without its unit.
  const unitless = duration ? -1 : tokens.findIndex((t, i) => i > verb.at && i < end && !taken.has(i) && /^\d+$/.test(t.norm) && (tokens[i - 1]?.norm === 'for' || i === end - 1));
  if (unitless !== -1) {
    const n = tokens[unitless]!.norm;
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: `Say the unit of ${n}, e.g. "for ${n}m" or "for ${n}h".` };
  }
  const matchers: SilenceMatcher[] = [];
  for (let i = 0; i < end; i++) {
    if (taken.has(i)) continue;
    const m = MATCHER.exec(tokens[i]!.raw.replace(/^["']|["',]$/g, ''));
    if (m) {
      matchers.push({ name: m[1]!, op: m[2] as SilenceMatcher['op'], value: m[3]!.replace(/^"|"$/g, '') });
      taken.add(i);
    }
  }
  // "silence db-* for 1h", "mute web*": a pattern of target names, matched by their label ("?" stays a question mark).
  for (let i = 0; i < end; i++) {
    if (taken.has(i) || !/^[a-z0-9._-]*\*[a-z0-9._*-]*$/.test(tokens[i]!.norm) || !/[a-z0-9]/.test(tokens[i]!.norm)) continue;
    const glob = tokens[i]!.norm;
    const pattern = glob.split(/(\*+)/).map((part) => (part.startsWith('*') ? '.*' : escapeRegex(part))).join('');
    const re = new RegExp(`^(?:${pattern})$`, 'i');
    const matched = line.index.inventory.targets.filter((t) => re.test(t.name));
    const labels = [...new Set(matched.map((t) => t.label))];
    if (matched.length === 0 || labels.length > 1) {
      const why = matched.length === 0 ? `No target matches "${glob}"` : `"${glob}" matches targets of different labels (${labels.join(', ')})`;
      return { command: { intent: 'silence.create', slots: { matchers, durationSeconds } }, confidence: 0.45 * verb.score, problem: `${why}: name the targets, e.g. "silence web-1 and web-2 for 1h".` };
    }
    matchers.push({ name: labels[0]!, op: '=~', value: pattern });
    taken.add(i);
  }
  const target = findTarget(line, taken);
  if (target.unresolved) {
    return {
      command: { intent: 'silence.create', slots: { matchers, durationSeconds } },
      confidence: 0.4,
      problem: `No target named "${target.unresolved}".`,
      ...(target.suggestions?.length ? { suggestions: target.suggestions } : {}),
    };
  }
  if (target.hit) {
    take(taken, target.hit.at, target.hit.end);
    // "silence web-1 and web-2", "mute db-1, db-2": every target named, one matcher per label.
    const names = new Map<string, string[]>([[target.hit.target.label, [target.hit.target.name]]]);
    for (let more = findTarget(line, taken).hit; more && more.score === 1 && more.at < end; more = findTarget(line, taken).hit) {
      names.set(more.target.label, [...(names.get(more.target.label) ?? []), more.target.name]);
      take(taken, more.at, more.end);
    }
    if (names.size > 1) {
      return { command: { intent: 'silence.create', slots: { matchers, durationSeconds } }, confidence: 0.45 * verb.score, problem: `One kind of target per silence: ${[...names.values()].map((n) => n.join(', ')).join(' and ')} are matched by different labels; silence each on its own.` };
    }
    for (const [label, values] of names) {
      const unique = [...new Set(values)];
      matchers.push(unique.length === 1 ? { name: label, op: '=', value: unique[0]! } : { name: label, op: '=~', value: unique.map(escapeRegex).join('|') });
    }
  }
  // "critical and warning alerts": either severity (two `=` matchers would match no alert).
  const severities = new Set<Severity>();
  for (let i = 0; i < end; i++) {
    const severity = SEVERITY_WORDS[tokens[i]!.norm];
    if (!taken.has(i) && severity) {
      severities.add(severity);
      taken.add(i);
    }
  }
  if (severities.size > 0) matchers.push(severities.size === 1 ? { name: 'severity', op: '=', value: [...severities][0]! } : { name: 'severity', op: '=~', value: [...severities].join('|') });
  // What is left between the verb and the comment names the alerts: "disk alerts", "HighCPU"
  // (not a word before the verb: "yo silence web-1").
  // "disk and memory alerts", "disk, memory or swap": names joined so are either one.
  const groups: string[][] = [[]];
  for (let i = verb.at + 1; i < end; i++) {
    const token = tokens[i]!;
    if (['and', 'or', '&', '+'].includes(token.norm) && groups.at(-1)!.length > 0) groups.push([]);
    if (taken.has(i)) continue;
    // "from 10pm to 2am", "at 11pm": a silence from chat starts now; a start said is asked about, not made an alert name.
    if (CLOCK_TIME.test(token.norm)) {
      return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'A silence from chat starts now: say how long or until when, e.g. "for 2h" or "until 2am"; a silence that starts later is made on the Silences page.' };
    }
    if (isAlertNoun(token.norm) || FILLER.has(token.norm) || SILENCE_NOISE.has(token.norm)) {
      taken.add(i);
      continue;
    }
    if (/^[\w.:-]+$/.test(token.norm) && idOf(token) === null) {
      groups.at(-1)!.push(token.raw.replace(/[^\w.:-]/g, ''));
      taken.add(i);
      if (token.raw.endsWith(',')) groups.push([]);
    }
  }
  const names = groups.filter((g) => g.length > 0).map((g) => g.map(escapeRegex).join('.*'));
  if (names.length > 0) matchers.unshift({ name: 'alertname', op: '=~', value: `.*(?i:${names.join('|')}).*` });
  if (matchers.length === 0) {
    return { command: { intent: 'silence.create', slots: { matchers, durationSeconds } }, confidence: 0.45 * verb.score, problem: 'Say what to silence, e.g. "silence disk alerts on db-2 for 1h".' };
  }
  const slots = comment ? { matchers, durationSeconds, comment } : { matchers, durationSeconds };
  return { command: { intent: 'silence.create', slots }, confidence: verb.score * (target.hit?.score ?? 1) * leftoverFactor(tokens, taken) };
};

/** After "during", the words of a period ("during the weekend", "during tonight"), not a reason. */
const DURING_A_PERIOD = /^(the|this|that|next|tonight|today|overnight|weekend|night|day|week|\d.*)$/;
/** Lengths too vague to set: asked about rather than read as an alert's name. */
const VAGUE_LENGTHS = new Set(['bit', 'while', 'briefly', 'awhile', 'sometime', 'moment']);

/** Words of a silence that name no alert: "everything", "anything about", "with severity warning". */
const SILENCE_NOISE = new Set([...ALL_WORDS, 'things', 'thing', 'starting', 'alertname', 'any', 'anything', 'something', 'stuff', 'severity', 'sev', 'priority', 'named', 'called', 'regarding', 'related']);
/** A time of day ("10pm", "11:30", "2 a.m."), which is when, not what. */
const CLOCK_TIME = /^(\d{1,2}(:\d{2})?\s*(am|pm|a\.m|p\.m)|\d{1,2}:\d{2}|noon|midnight)$/;

function escapeRegex(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// incident.note ----------------------------------------------------------------------------

/** "incident 7 note: …", "inc 7 update - …", "update on #7: …": a note said the ticket way, its text after the colon or dash. */
const NOTE_AFTER_ID = /^(?:(?:incident|inc)\s*#?(\d{1,9})\s+(?:note|update|comment)|update\s+(?:on\s+|to\s+|for\s+)?(?:incident\s+|inc\s+)?#?(\d{1,9}))(?:\s*:|\s+[-–—]+)\s*(\S.*)$/is;

export const noteRule: Rule = (line) => {
  const { tokens } = line;
  const ticket = NOTE_AFTER_ID.exec(line.text);
  if (ticket) return { command: { intent: 'incident.note', slots: { incidentId: Number(ticket[1] ?? ticket[2]), text: ticket[3]!.trim() } }, confidence: 0.95 };
  const verb = leadingVerb(tokens, (n) => verbOf(n, 'note') || (n === 'add' ? 0.5 : 0), 3);
  // "users can't log in", "log out of the console": the verb of signing in, not of a note.
  if (!verb || (tokens[verb.at]!.norm === 'log' && ['in', 'out', 'into'].includes(tokens[verb.at + 1]?.norm ?? ''))) return null;
  let at = verb.at;
  let score = verb.score;
  // "add a note to 7", "add note on incident 7"; "add to incident 7: …" (the colon says a text follows)
  if (tokens[at]!.norm === 'add') {
    const noun = tokens.findIndex((t, i) => i > at && i <= at + 2 && is(t.norm, 'note'));
    const addTo = ['to', 'on'].includes(tokens[at + 1]?.norm ?? '') && isIncidentNoun(tokens[at + 2]?.norm ?? '') && idOf(tokens[at + 3]) !== null && tokens[at + 3]!.colon;
    if (noun === -1 && !addTo) return null;
    if (noun !== -1) at = noun;
    score = addTo && noun === -1 ? 0.9 : 1;
  }
  const taken = new Set<number>([verb.at, at]);
  let i = at + 1;
  while (i < tokens.length && ['on', 'to', 'for', 'in', 'a', 'the', 'into'].includes(tokens[i]!.norm)) taken.add(i++);
  if (isIncidentNoun(tokens[i]?.norm ?? '')) taken.add(i++);
  const id = idOf(tokens[i]);
  if (id === null) {
    if (tokens.length - at > 1 && firstId(tokens, taken) === null) {
      return { command: { intent: 'incident.note', slots: { incidentId: 0, text: '' } }, confidence: 0.45 * score, problem: 'Say which incident, e.g. "note on 7: rolled back deploy 4.12".' };
    }
    return null;
  }
  taken.add(i);
  let j = i + 1;
  if (['with', 'saying', 'that'].includes(tokens[j]?.norm ?? '')) j++;
  const text = unwrapped(restOf(line.text, tokens, j));
  if (text === '') return { command: { intent: 'incident.note', slots: { incidentId: id, text: '' } }, confidence: 0.45 * score, problem: 'Say what the note says, e.g. "note on 7: rolled back".' };
  return { command: { intent: 'incident.note', slots: { incidentId: id, text } }, confidence: score };
};

// incident.status --------------------------------------------------------------------------

/** Verbs and states of an incident's status, as said: "resolve", "close", "mitigate", "reopen". */
const STATUS_VERBS: Readonly<Record<string, IncidentStatusSlots['status']>> = {
  resolve: 'resolved', close: 'resolved', closed: 'resolved', resolved: 'resolved', fixed: 'resolved',
  mitigate: 'mitigated', mitigated: 'mitigated', contain: 'mitigated', contained: 'mitigated',
  reopen: 'open', 'reopened': 'open', 're-open': 'open', unresolve: 'open',
};

/**
 * "resolve incident 7 fixed by rollback", "close inc 7", "mark 7 as mitigated",
 * "incident 7 is resolved", "reopen #7". Alerts are not resolved from chat (their source
 * resolves them): "resolve alert 12" says so and offers what can be done.
 */
export const incidentStatusRule: Rule = (line) => {
  const { tokens } = line;
  let at = tokens.findIndex((t, i) => i < 6 && STATUS_VERBS[t.norm] !== undefined);
  // "set incident 7 status to open", "mark 7 as open": "open" is a status only when set.
  if (at === -1 && ['set', 'mark', 'change', 'move'].includes(tokens[0]?.norm ?? '')) at = tokens.findIndex((t, i) => t.norm === 'open' && ['to', 'as'].includes(tokens[i - 1]?.norm ?? ''));
  if (at === -1) return null;
  // "resolve all incidents", "close every incident": one at a time (each is confirmed on its own).
  if (at === 0 && ALL_WORDS.has(tokens[1]?.norm ?? '') && tokens.slice(2).some((t) => isIncidentNoun(t.norm))) {
    return { command: { intent: 'incident.status', slots: { incidentId: 0, status: STATUS_VERBS[tokens[at]!.norm]! } }, confidence: 0.45, problem: `One incident at a time, e.g. "${tokens[at]!.raw} incident 7"; "open incidents" lists them.` };
  }
  // "resolved incidents", "closed incidents on db-2": a list, not a change ("resolve incidents 7 and 8" names them).
  if (tokens[at + 1] && is(tokens[at + 1]!.norm, 'incident') && tokens[at + 1]!.norm.endsWith('s') && idOf(tokens[at + 2]) === null) return null;
  // "close the silence 4" ends a silence; "resolve the runbook run" is not an incident.
  if (tokens.some((t) => ['silence', 'silences', 'mute', 'snooze', 'runbook', 'run'].includes(t.norm))) return null;
  const status = STATUS_VERBS[tokens[at]!.norm] ?? 'open';
  const taken = new Set<number>([at]);
  tokens.forEach((t, i) => {
    if (['mark', 'set', 'as', 'is', 'now', 'to', 'the', 'it', 'please', 'status', 'has', 'been'].includes(t.norm)) taken.add(i);
  });
  const alertRef = idAfter(tokens, taken, isAlertNoun);
  if (alertRef) {
    return {
      command: { intent: 'alert.ack', slots: { alertId: alertRef.id } },
      confidence: 0.45,
      problem: `Alerts resolve by themselves when their source stops firing: acknowledge alert ${alertRef.id} ("ack ${alertRef.id}") or silence it ("silence ${alertRef.id} for 1h").`,
    };
  }
  const named = idAfter(tokens, taken, isIncidentNoun);
  // A bare number only after a leading verb: "resolve 7", "mark 7 as mitigated", "close #7".
  const leading = at === 0 || (at === 1 && ['mark', 'set', 'please'].includes(tokens[0]!.norm)) || ['mark', 'set'].includes(tokens[0]!.norm);
  const id = named ?? (leading ? firstId(tokens, taken) : null);
  if (!id) {
    if (!tokens.some((t) => isIncidentNoun(t.norm))) return null;
    return { command: { intent: 'incident.status', slots: { incidentId: 0, status } }, confidence: 0.45, problem: `Say which incident, e.g. "resolve incident 7".` };
  }
  taken.add(id.at);
  if ('noun' in id && id.noun !== null) taken.add(id.noun as number);
  // "resolve 7 and 8", "close incidents 7, 8": a status change is made, and confirmed, for one incident at a time.
  const more = moreIds(tokens, id.at);
  if (more) {
    const verb = tokens[at]!.norm;
    return { command: { intent: 'incident.status', slots: { incidentId: id.id, status } }, confidence: 0.45, problem: `One incident at a time, e.g. ${[id.id, ...more.ids].map((n) => `"${verb} incident ${n}"`).join(', then ')}.` };
  }
  // What follows the id is the comment ("resolve 7 fixed by rollback", "close inc 7 - false alarm").
  const after = Math.max(id.at, at) + 1;
  const comment = commentFrom(line, after);
  for (let i = after; i < tokens.length; i++) taken.add(i);
  // A past participle after the id ("incident 7 is resolved") or a verb first ("resolve 7") read alike.
  const sure = named ? 1 : 0.9;
  const slots = comment ? { incidentId: id.id, status, comment } : { incidentId: id.id, status };
  return { command: { intent: 'incident.status', slots }, confidence: sure * leftoverFactor(tokens, taken) };
};

// incident.assign --------------------------------------------------------------------------

const INCIDENT_REF = String.raw`(?:(?:the\s+)?(?:incident|inc)[-\s]*#?|#)(\d{1,9})`;
const BARE_REF = String.raw`(?:(?:the\s+)?(?:incident|inc)[-\s]*#?|#)?(\d{1,9})`;
const PERSON = String.raw`([a-z0-9][\w.@-]{0,63})`;
const COMMAND_ROLE = String.raw`(?:the\s+)?(?:incident\s+)?(?:commander|ic|lead|owner)`;
/** The forms of taking or giving command of an incident; `who` absent: the asker. */
const ASSIGN_FORMS: readonly { re: RegExp; who?: number; id: number }[] = [
  // "assign incident 7 to alice", "hand #7 over to bob", "give 7 to me"
  { re: new RegExp(String.raw`^(?:please\s+)?(?:re)?assign\s+${BARE_REF}\s+to\s+${PERSON}$`), id: 1, who: 2 },
  { re: new RegExp(String.raw`^(?:please\s+)?(?:give|hand(?:\s+over)?)\s+${INCIDENT_REF}\s+(?:over\s+)?to\s+${PERSON}$`), id: 1, who: 2 },
  // "I'll take incident 7", "taking #7", "let me take command of 7", "I've got incident 7"
  { re: new RegExp(String.raw`^(?:i'?ll\s+|i\s+will\s+|i'?m\s+|i\s+am\s+|let\s+me\s+|lemme\s+)?(?:take|taking|grab|grabbing|own|owning)\s+${INCIDENT_REF}$`), id: 1 },
  { re: new RegExp(String.raw`^(?:i'?ll\s+|i\s+will\s+|i'?m\s+|i\s+am\s+|let\s+me\s+|lemme\s+)?(?:take|taking|assume|assuming)\s+(?:command|ownership|lead)\s+(?:of|on|for)\s+${BARE_REF}$`), id: 1 },
  { re: new RegExp(String.raw`^i(?:'ve|\s+have)?\s+got\s+${INCIDENT_REF}$`), id: 1 },
  // "I'm IC for 7", "I am the incident commander on #7"
  { re: new RegExp(String.raw`^(?:i'?m|i\s+am|i'?ll\s+be|i\s+will\s+be)\s+${COMMAND_ROLE}\s+(?:of|for|on)\s+${BARE_REF}$`), id: 1 },
  // "make alice commander of incident 7", "set bob as IC for #7"
  { re: new RegExp(String.raw`^(?:make|set)\s+${PERSON}\s+(?:as\s+)?${COMMAND_ROLE}\s+(?:of|for|on)\s+${BARE_REF}$`), id: 2, who: 1 },
  // "set the commander of incident 7 to alice", "commander of 7 is bob"
  { re: new RegExp(String.raw`^(?:set\s+)?(?:the\s+)?(?:incident\s+)?(?:commander|ic)\s+(?:of|for|on)\s+${BARE_REF}\s+(?:to|is|=)\s+${PERSON}$`), id: 1, who: 2 },
];
/** Words that name the asker. */
const ME = new Set(['me', 'myself', 'i']);
/** Words a name cannot be: "assign 7 to the db team" is not a username. */
const NOT_A_PERSON = new Set(['who', 'what', 'which', 'whom', 'the', 'a', 'an', 'team', 'someone', 'somebody', 'anyone', 'everyone', 'us', 'them', 'him', 'her']);

/** "I'll take incident 7", "assign incident 7 to alice", "make bob IC for #7": who commands an incident. */
export const incidentAssignRule: Rule = (line) => {
  // Manners around the order ("can you …", "please …", "… pls?") are not part of its form.
  const lower = line.text.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim()
    .replace(/[.!?]+$/, '').replace(/^(?:(?:can|could|would|will)\s+(?:you|u|we|someone)\s+|please\s+|pls\s+)/, '').replace(/\s+(?:please|pls|plz|thanks|thx)$/, '');
  for (const form of ASSIGN_FORMS) {
    const m = form.re.exec(lower);
    if (!m) continue;
    const incidentId = Number(m[form.id]);
    const who = form.who === undefined ? 'me' : m[form.who]!;
    if (NOT_A_PERSON.has(who)) {
      return { command: { intent: 'incident.assign', slots: { incidentId } }, confidence: 0.45, problem: `Say who commands incident ${incidentId} by their username, e.g. "assign incident ${incidentId} to alice", or "I'll take incident ${incidentId}".` };
    }
    // The name as typed (usernames keep their case).
    const typed = form.who === undefined || ME.has(who) ? undefined : line.text.replace(/\s+/g, ' ').match(new RegExp(escapeRegex(who), 'i'))?.[0] ?? who;
    return { command: { intent: 'incident.assign', slots: typed === undefined ? { incidentId } : { incidentId, commander: typed } }, confidence: 1 };
  }
  // "assign incident 7", "assign 7 to the db team": an assignment without one username.
  const loose = /^(?:re)?assign\b/.test(lower) ? idAfter(line.tokens, new Set(), isIncidentNoun) ?? firstId(line.tokens, new Set()) : null;
  if (!loose) return null;
  if (line.tokens.some((t) => isAlertNoun(t.norm))) {
    return { command: { intent: 'incident.assign', slots: { incidentId: 0 } }, confidence: 0.45, problem: `Alerts have no commander: acknowledge alert ${loose.id} ("ack ${loose.id}"), or take command of its incident ("alert ${loose.id}" shows which).` };
  }
  return { command: { intent: 'incident.assign', slots: { incidentId: loose.id } }, confidence: 0.45, problem: `Say who commands incident ${loose.id} by their username, e.g. "assign incident ${loose.id} to alice", or "I'll take incident ${loose.id}".` };
};

// Done on the console's pages, not from chat ------------------------------------------------

/** Edits of an incident chat does not make: what is asked, or null ("rename incident 7 …", "merge 8 into 7", "set incident 7 severity …"). */
function incidentEditAsked(tokens: readonly Token[]): 'title' | 'merge' | 'split' | 'escalate' | 'severity' | null {
  const lead = tokens[0]?.norm === 'please' || tokens[0]?.norm === 'pls' ? tokens[1]?.norm : tokens[0]?.norm;
  if (!tokens.some((t) => isIncidentNoun(t.norm) || idOf(t) !== null || /^(?:inc|incident)-?\d+$/.test(t.norm))) return null;
  if (lead === 'rename' || lead === 'retitle') return 'title';
  if (lead === 'merge' || lead === 'split' || lead === 'escalate') return lead;
  if (['set', 'change', 'update', 'raise', 'lower', 'bump', 'downgrade', 'upgrade'].includes(lead ?? '')) {
    if (tokens.some((t) => ['severity', 'sev', 'priority'].includes(t.norm))) return 'severity';
    if (tokens.some((t) => t.norm === 'title' || t.norm === 'name')) return 'title';
  }
  return null;
}

/** Where each edit is made instead; the parser adds chat's own example for the incident ("incident 7"). */
const NOT_FROM_CHAT: Readonly<Record<NonNullable<ReturnType<typeof incidentEditAsked>>, (id: number) => string>> = {
  title: () => 'Chat does not rename incidents: the title is changed on the incident\'s page in the console; chat shows the incident',
  merge: () => 'Incidents are merged on the incident\'s page in the console, where the incidents to fold in are chosen; chat shows the incident',
  split: () => 'Incidents are split on the incident\'s page in the console, where the alerts to move are chosen; chat shows the incident',
  escalate: (id) => `Chat pages no one: take command of the incident, e.g. "I'll take incident ${id}", or hand it over: "assign incident ${id} to alice".`,
  severity: () => 'An incident\'s severity is raised by its alerts, not set by hand; chat shows the incident',
};

/** Words about runbook runs and their approvals, which are decided on the Approvals page. */
const APPROVAL_VERBS = new Set(['approve', 'deny', 'reject', 'decline', 'abort']);

/**
 * "rename incident 7 to …", "merge incident 8 into 7", "approve run 5", "pending approvals":
 * done on the console's pages. Answered with where, rather than read as showing incident 7 or
 * as a runbook named "5".
 */
export const notFromChatRule: Rule = (line) => {
  const { tokens } = line;
  const edit = incidentEditAsked(tokens);
  if (edit) {
    const ref = idAfter(tokens, new Set(), isIncidentNoun) ?? firstId(tokens, new Set());
    return { command: { intent: 'incident.show', slots: { incidentId: ref?.id ?? 0 } }, confidence: 0.45, problem: NOT_FROM_CHAT[edit](ref?.id ?? 7) };
  }
  const lead = tokens[0]?.norm ?? '';
  const aboutRuns = tokens.some((t) => ['approval', 'approvals'].includes(t.norm)) || (tokens.some((t) => ['run', 'runs'].includes(t.norm)) && (APPROVAL_VERBS.has(lead) || lead === 'cancel' || tokens.some((t) => idOf(t) !== null) || is(tokens[0]?.norm, 'runbook')));
  if (!aboutRuns || (tokens.length > 0 && lead === 'run' && !tokens.some((t) => idOf(t) !== null))) return null;
  const reading: Reading = { command: { intent: 'runbooks.list', slots: {} }, confidence: 0.45, problem: 'Runbook runs are approved, denied and followed on the Approvals page of the console; from chat a run is planned and its approval asked for, e.g. "restart nginx on web-1".' };
  return reading;
};

// alert.show -------------------------------------------------------------------------------

/** Words around a question about one alert ("who acked alert 12", "when did alert 12 start"), read as nothing more. */
const ALERT_QUESTION_WORDS = new Set(['show', 'details', 'detail', 'info', 'about', 'status', 'state', 'who', 'acked', 'acknowledged', 'when', 'start', 'started', 'fire', 'fired', 'firing', 'tell', 'give', 'where', 'which', 'why', 'still', 'silenced', 'whose', 'owns', 'happened']);

/** "alert 12", "show alert #12", "who acked alert 12": one alert, named with its noun. */
export const alertShowRule: Rule = (line) => {
  const { tokens } = line;
  if (ledByStateOrder(tokens)) return null;
  const ref = idAfter(tokens, new Set(), isAlertNoun);
  if (!ref) return null;
  const taken = new Set<number>([ref.at]);
  if (ref.noun !== null) taken.add(ref.noun);
  // "alerts 12 and 13": one at a time.
  const more = moreIds(tokens, ref.at);
  if (more) return { command: { intent: 'alert.show', slots: { alertId: ref.id } }, confidence: 0.45, problem: `One alert at a time, e.g. ${[ref.id, ...more.ids].map((id) => `"alert ${id}"`).join(', then ')}.` };
  tokens.forEach((t, i) => (ALERT_QUESTION_WORDS.has(t.norm) || is(t.norm, 'show') || FILLER.has(t.norm) ? taken.add(i) : undefined));
  return { command: { intent: 'alert.show', slots: { alertId: ref.id } }, confidence: leftoverFactor(tokens, taken) };
};

// incident.show ----------------------------------------------------------------------------

/** Nouns whose number is not an incident's ("silence 4", "run 5", "job 3"). */
const OTHER_ID_NOUNS = new Set(['silence', 'silences', 'run', 'runs', 'runbook', 'job', 'jobs', 'deploy', 'deployment', 'build', 'version', 'release', 'ticket', 'pr', 'issue', 'page', 'step']);

export const incidentRule: Rule = (line) => {
  const { tokens } = line;
  // "resolve incidents 7 and 8": an order its own rule answers; showing 7 instead would do nothing asked.
  // "details of alert 12": an alert's id, not an incident's.
  if (ledByStateOrder(tokens) || idAfter(tokens, new Set(), isAlertNoun)) return null;
  const taken = new Set<number>();
  const named = idAfter(tokens, taken, isIncidentNoun);
  if (named) {
    if (named.noun !== null) taken.add(named.noun);
    taken.add(named.at);
    tokens.forEach((t, i) => {
      if (is(t.norm, 'status') || is(t.norm, 'show') || t.norm === 'open' || t.norm === 'going' || t.norm === 'doing') taken.add(i);
    });
    return { command: { intent: 'incident.show', slots: { incidentId: named.id } }, confidence: leftoverFactor(tokens, taken) };
  }
  // "status of #7", "#7", "what about 7"
  const status = tokens.findIndex((t) => is(t.norm, 'status') || is(t.norm, 'show'));
  const hashed = tokens.findIndex((t) => /^#\d+$/.test(t.norm));
  const id = firstId(tokens, taken);
  if (!id) return null;
  // "show silence 4", "status of run 5": another thing's id, not an incident's.
  if (OTHER_ID_NOUNS.has(tokens[id.at - 1]?.norm ?? '')) return null;
  if (tokens.length === 1 && hashed === -1) {
    return { command: { intent: 'incident.show', slots: { incidentId: id.id } }, confidence: 0.5, problem: `A bare number: say "incident ${id.id}" or "ack ${id.id}".` };
  }
  if (status === -1 && hashed === -1) return null;
  taken.add(id.at);
  if (status !== -1) taken.add(status);
  const base = status !== -1 ? 0.9 : 0.75;
  return { command: { intent: 'incident.show', slots: { incidentId: id.id } }, confidence: base * leftoverFactor(tokens, taken) };
};

// incidents.list ---------------------------------------------------------------------------

/** Words for an incident's status, as asked: "open incidents" are the unresolved ones. */
const INCIDENT_STATUS_WORDS: Readonly<Record<string, IncidentsListSlots['status'] | 'unresolved'>> = {
  open: 'unresolved', active: 'unresolved', ongoing: 'unresolved', current: 'unresolved', unresolved: 'unresolved',
  mitigated: 'mitigated',
  resolved: 'resolved', closed: 'resolved', past: 'resolved', recent: 'resolved',
};

/** "open incidents", "critical incidents on db-2", "resolved incidents": incidents without an id. */
export const incidentsListRule: Rule = (line) => {
  const { tokens } = line;
  const taken = new Set<number>();
  // "incident 7" is one incident; the list is asked for without an id ("resolve all incidents" is an order, not a list).
  if (ledByStateOrder(tokens) || idAfter(tokens, new Set(), isIncidentNoun) || tokens.some((t) => /^#\d+$/.test(t.norm))) return null;
  const noun = tokens.findIndex((t) => isIncidentNoun(t.norm));
  if (noun === -1) return null;
  taken.add(noun);
  let status: IncidentsListSlots['status'] | 'unresolved' | undefined;
  const severities: Severity[] = [];
  tokens.forEach((t, i) => {
    const said = INCIDENT_STATUS_WORDS[t.norm];
    if (said && !taken.has(i)) {
      status = said;
      taken.add(i);
    }
    if (SEVERITY_WORDS[t.norm]) {
      severities.push(SEVERITY_WORDS[t.norm]!);
      taken.add(i);
    }
    if (is(t.norm, 'list') || is(t.norm, 'show') || LIST_QUESTION_WORDS.has(t.norm) || ['going', 'on'].includes(t.norm)) taken.add(i);
  });
  // "my incidents", "incidents assigned to me", "incidents I command": the asker's.
  const mine = tokens.some((t) => t.norm === 'my' || t.norm === 'mine') || /\b(assigned to|commanded by|owned by) me\b|\bi('m| am)? (command|own|lead)(ing)?\b/i.test(line.text);
  if (mine) tokens.forEach((t, i) => ['my', 'mine', 'me', 'assigned', 'commanded', 'owned', 'by', 'to', 'i', "i'm", 'am', 'command', 'commanding', 'own', 'lead', 'leading'].includes(t.norm) && taken.add(i));
  // "unassigned incidents", "incidents without a commander", "incidents nobody owns": those no one commands.
  const unassigned = !mine && UNASSIGNED.test(line.text.toLowerCase());
  if (unassigned) tokens.forEach((t, i) => UNASSIGNED_WORDS.has(t.norm) && taken.add(i));
  // A plural noun ("incidents"), a status or a severity asks for a list; a lone "incident" is vaguer.
  const plural = tokens[noun]!.norm.endsWith('s') || tokens[noun]!.norm === 'outages';
  const target = findTarget(line, taken);
  if (target.hit) take(taken, target.hit.at, target.hit.end);
  // "incidents this week", "outages since monday": those active in that window, resolved ones included.
  const window = alertWindow(line, taken);
  const slots: IncidentsListSlots = {
    ...(status && status !== 'unresolved' ? { status } : {}),
    ...severitySlots(severities),
    ...(target.hit ? { target: target.hit.target.name } : {}),
    ...(window ? { from: window.from, to: window.to } : {}),
    ...(mine ? { mine: true as const } : {}),
    ...(unassigned ? { unassigned: true as const } : {}),
  };
  if (target.unresolved) {
    return { command: { intent: 'incidents.list', slots }, confidence: 0.45, problem: `No target named "${target.unresolved}".`, suggestions: target.suggestions ?? [] };
  }
  const trigger = plural || status || severities.length > 0 ? 1 : 0.7;
  return { command: { intent: 'incidents.list', slots }, confidence: trigger * (target.hit?.score ?? 1) * leftoverFactor(tokens, taken) };
};

/** Incidents no one commands, as said. */
const UNASSIGNED = /\b(un-?assigned|unowned|nobody (owns|commands|leads|is on)|no(body| one)? (is )?(commanding|owning)|no (commander|owner|ic|one (owns|commands))|without (an? )?(commander|owner|ic|assignee)|not assigned|with no (commander|owner))\b/;
const UNASSIGNED_WORDS = new Set(['unassigned', 'un-assigned', 'unowned', 'nobody', 'owns', 'commands', 'leads', 'is', 'on', 'no', 'one', 'commanding', 'owning', 'commander', 'owner', 'ic', 'without', 'a', 'an', 'assignee', 'not', 'assigned', 'with']);

// anomaly.explain --------------------------------------------------------------------------

export const anomalyRule: Rule = (line) => {
  const { tokens, index } = line;
  const taken = new Set<number>();
  let trigger = 0;
  tokens.forEach((t, i) => {
    const score = Math.max(verbOf(t.norm, 'explain'), verbOf(t.norm, 'anomalous'));
    if (score > 0) {
      taken.add(i);
      trigger = Math.max(trigger, score);
    }
  });
  const lower = line.text.toLowerCase();
  if (/what'?s (wrong|up|going on) with/.test(lower)) {
    trigger = Math.max(trigger, 0.9);
    tokens.forEach((t, i) => (['wrong', 'going', 'with'].includes(t.norm) || whatsUpAt(tokens, i)) && taken.add(i));
  }
  if (trigger === 0) return null;
  const target = findTarget(line, taken);
  if (!target.hit) {
    return {
      command: { intent: 'anomaly.explain', slots: { target: target.unresolved ?? '' } },
      confidence: 0.45 * trigger,
      problem: target.unresolved ? `No target named "${target.unresolved}".` : 'Say which target, e.g. "why is api-1 anomalous".',
      ...(target.suggestions?.length ? { suggestions: target.suggestions } : {}),
    };
  }
  take(taken, target.hit.at, target.hit.end);
  let metric: string | undefined;
  tokens.forEach((t, i) => {
    if (taken.has(i) || metric) return;
    const found = index.metric(t.norm);
    if (found && found.score > 0.8) {
      metric = found.name;
      taken.add(i);
    }
  });
  tokens.forEach((t, i) => (['acting', 'behaving', 'looking', 'so', 'spiky', 'high', 'low', 'slow'].includes(t.norm) ? taken.add(i) : undefined));
  const slots = metric ? { target: target.hit.target.name, metric } : { target: target.hit.target.name };
  return { command: { intent: 'anomaly.explain', slots }, confidence: trigger * target.hit.score * leftoverFactor(tokens, taken) };
};

// runbook.run ------------------------------------------------------------------------------

/** A runbook's parameters that take a target (a host) named on the line. */
export const HOST_PARAMS = ['host', 'target', 'instance', 'node', 'server'];
const PATH_PARAMS = ['path', 'dir', 'directory', 'folder', 'file'];
const VERSION_PARAMS = ['version', 'revision', 'release', 'tag', 'ref', 'image'];
const STOP_WORDS = new Set(['on', 'at', 'for', 'in', 'from', 'with', 'to', 'of', 'against']);

function chooseRunbook(candidates: readonly InventoryRunbook[], object: readonly string[]): { runbook: InventoryRunbook; score: number } | null {
  if (candidates.length === 0) return null;
  if (candidates.length === 1) return { runbook: candidates[0]!, score: 1 };
  const named = candidates.filter((r) => object.some((w) => r.id.toLowerCase().includes(w) || r.title.toLowerCase().includes(w)));
  if (named.length === 1) return { runbook: named[0]!, score: 1 };
  // Several runbooks do this; the most general one (fewest words) wins only with a word to fill it.
  const general = [...candidates].sort((a, b) => a.id.length - b.id.length || a.id.localeCompare(b.id));
  return { runbook: general[0]!, score: object.length > 0 ? 0.8 : 0.6 };
}

/**
 * A word of the object that the chosen runbook's name does not hold and exactly one other
 * runbook's does ("clear *cache*": clear-disk chosen by its verb, flush-cache named), or null.
 */
function otherRunbookNamed(runbooks: readonly InventoryRunbook[], chosen: InventoryRunbook, object: readonly string[]): { word: string; runbook: InventoryRunbook } | null {
  const words = (r: InventoryRunbook) => new Set(`${r.id} ${r.title}`.toLowerCase().split(/[^a-z0-9]+/));
  const own = words(chosen);
  // A runbook with a parameter a word fills ("restart *database*": its service) reads the word as that.
  if (object.some((w) => own.has(w)) || chosen.params.some((p) => !HOST_PARAMS.includes(p) && !PATH_PARAMS.includes(p) && !VERSION_PARAMS.includes(p))) return null;
  for (const word of object) {
    if (word.length < 3 || FILLER.has(word)) continue;
    const others = runbooks.filter((r) => r !== chosen && words(r).has(word));
    if (others.length === 1) return { word, runbook: others[0]! };
  }
  return null;
}

/** Up to three runbooks to offer instead, those sharing the most words with what was asked first ("clear-cache": flush-cache, clear-disk). */
function runbooksLike(runbooks: readonly InventoryRunbook[], words: readonly string[]): string[] {
  const shared = (r: InventoryRunbook) => {
    const own = new Set(`${r.id} ${r.title}`.toLowerCase().split(/[^a-z0-9]+/));
    return words.filter((w) => own.has(w)).length;
  };
  return runbooks
    .map((r, order) => ({ id: r.id, score: shared(r), order }))
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, 3)
    .map((r) => r.id);
}

const ABOUT_RUNBOOK_VERBS = new Set(['describe', 'explain', 'show', 'list', 'what', 'which', 'document', 'view', 'display']);
const PREVIOUS_WORDS = new Set(['previous', 'last', 'prior', 'earlier', 'old', 'older']);

export const runbookRule: Rule = (line) => {
  const { tokens, index } = line;
  const taken = new Set<number>();
  // "approve run 5", "pending approvals": decided on the Approvals page (notFromChatRule), not a runbook named "5".
  if (APPROVAL_VERBS.has(tokens[0]?.norm ?? '') || tokens.some((t) => t.norm === 'approval' || t.norm === 'approvals')) return null;
  const run = leadingVerb(tokens, (n) => verbOf(n, 'run'), 2);
  const action = run ? null : leadingVerb(tokens, (n) => actionOf(n)?.score ?? 0, 2);
  if (!run && !action) return null;
  const verbAt = (run ?? action)!.at;
  // "revert the silence", "undo the ack", "roll back incident 7": chat's own objects, not a deployment to roll back.
  // (Only the object, before "for incident 7" and the like.)
  const stop = tokens.findIndex((t, k) => k > verbAt && STOP_WORDS.has(t.norm));
  if (tokens.slice(verbAt + 1, Math.min(verbAt + 4, stop === -1 ? tokens.length : stop)).some((t) => ['silence', 'silences', 'ack', 'acknowledgement', 'acknowledgment', 'note'].includes(t.norm) || isAlertNoun(t.norm) || isIncidentNoun(t.norm))) return null;
  // "describe the failover runbook", "show the restart runbook": about a runbook, not a run of it.
  if (tokens.slice(0, verbAt).some((t) => ABOUT_RUNBOOK_VERBS.has(t.norm)) && tokens.some((t) => is(t.norm, 'runbook'))) return null;
  taken.add(verbAt);
  let i = verbAt + 1;
  if (run && is(tokens[i]?.norm, 'runbook')) taken.add(i++);
  else if (run && tokens[i]?.norm === 'the' && is(tokens[i + 1]?.norm, 'runbook')) take(taken, i, (i += 2));

  // key=value parameters, "for incident 7"
  const params: Record<string, string> = {};
  tokens.forEach((t, k) => {
    const m = /^([a-z_][a-z0-9_]*)=(.+)$/i.exec(t.raw);
    if (m && !taken.has(k)) {
      params[m[1]!] = m[2]!;
      taken.add(k);
    }
  });
  const incident = idAfter(tokens, taken, isIncidentNoun) ?? (() => {
    const hashed = tokens.findIndex((t, k) => !taken.has(k) && /^#\d+$/.test(t.norm));
    return hashed === -1 ? null : { id: idOf(tokens[hashed])!, at: hashed, noun: null };
  })();
  if (incident) {
    taken.add(incident.at);
    if (incident.noun !== null) taken.add(incident.noun);
    if (STOP_WORDS.has(tokens[(incident.noun ?? incident.at) - 1]?.norm ?? '')) taken.add((incident.noun ?? incident.at) - 1);
  }
  const target = findTarget(line, taken);
  if (target.hit) {
    take(taken, target.hit.at, target.hit.end);
    if (STOP_WORDS.has(tokens[target.hit.at - 1]?.norm ?? '')) taken.add(target.hit.at - 1);
  }
  // "restart nginx on all web servers", "across every db host": a run acts on one host, named.
  const everywhere = target.hit ? -1 : tokens.findIndex((t, k) => k > verbAt && ALL_WORDS.has(t.norm) && ['on', 'across', 'for', 'to', 'in'].includes(tokens[k - 1]?.norm ?? ''));
  if (everywhere !== -1) {
    const family = familyOf(line.index, tokens.slice(everywhere + 1).map((t) => t.norm));
    const example = `${restOf(line.text, tokens, verbAt).slice(0, tokens[everywhere - 1]!.start - tokens[verbAt]!.start).trim()} on ${family[0] ?? line.index.inventory.targets[0]?.name ?? 'web-1'}`;
    return { command: { intent: 'runbook.run', slots: { runbook: '', params } }, confidence: 0.45 * (run ?? action)!.score, problem: `A runbook run acts on one host at a time: say which, e.g. "${example}"${family.length > 1 ? `, then ${family.slice(1, 3).map((name) => `"… on ${name}"`).join(', ')}${family.length > 3 ? ' and so on' : ''}` : ''}.` };
  }
  // The object: words after the verb up to the first preposition ("restart *web* on api-1").
  const object: { word: string; at: number }[] = [];
  for (let k = i; k < tokens.length && !STOP_WORDS.has(tokens[k]!.norm); k++) {
    if (taken.has(k)) continue;
    // "run the clear-cache runbook": the noun is not part of the name.
    if (['the', 'a', 'an', 'please', 'service', 'now'].includes(tokens[k]!.norm) || (run && is(tokens[k]!.norm, 'runbook'))) {
      taken.add(k);
      continue;
    }
    object.push({ word: tokens[k]!.norm, at: k });
  }
  // "restart nginx on web-1 in 5 minutes", "at 3am": a run starts when confirmed; doing it now would not be what was asked.
  if (tokens.slice(0, verbAt).some((t) => t.norm === 'schedule')) {
    return { command: { intent: 'runbook.run', slots: { runbook: '', params } }, confidence: 0.45 * (run ?? action)!.score, problem: `A runbook runs when its plan is confirmed; nothing is scheduled from chat: ask when it should run, e.g. "${restOf(line.text, tokens, verbAt)}".` };
  }
  const later = tokens.findIndex((t, k) => k > verbAt && !taken.has(k) && ((t.norm === 'at' && CLOCK_TIME.test(tokens[k + 1]?.norm ?? '')) || (t.norm === 'in' && findDurations(tokens.slice(k + 1, k + 3), new Set()).some((d) => d.start === 0)) || ['tonight', 'tomorrow', 'later'].includes(t.norm)));
  if (later !== -1) {
    return { command: { intent: 'runbook.run', slots: { runbook: '', params } }, confidence: 0.45 * (run ?? action)!.score, problem: `A runbook runs when its plan is confirmed, not at a time said ("${restOf(line.text, tokens, later)}"); ask again when it should run, e.g. "${tokens.slice(0, later).map((t) => t.raw).join(' ')}".` };
  }
  // "restart nginx and php-fpm on web-1": a runbook acts on one thing per run.
  const joined = object.findIndex((o, k) => k > 0 && k < object.length - 1 && ['and', '&', '+'].includes(o.word));
  if (joined !== -1) {
    const first = object.slice(0, joined).map((o) => o.word).join(' ');
    const second = object.slice(joined + 1).map((o) => o.word).join(' ');
    return { command: { intent: 'runbook.run', slots: { runbook: '', params } }, confidence: 0.45 * (run ?? action)!.score, problem: `One at a time: a runbook run acts on "${first}" or on "${second}", not both; ask for each (e.g. "${tokens[verbAt]!.raw} ${first}…", then "${tokens[verbAt]!.raw} ${second}…").` };
  }
  // "rollback web to 4.11": what follows "to" fills the next parameter.
  const extra: { word: string; at: number }[] = [];
  tokens.forEach((t, k) => {
    if (k > 0 && tokens[k - 1]!.norm === 'to' && !taken.has(k) && k > i) {
      taken.add(k - 1);
      // "to the previous version", "to the last release": no version said; the runbook's default (or its question) decides.
      let at = k;
      if (['the', 'a', 'an'].includes(tokens[at]!.norm)) taken.add(at++);
      if (PREVIOUS_WORDS.has(tokens[at]?.norm ?? '')) {
        taken.add(at++);
        if (['version', 'release', 'one', 'build', 'deploy', 'deployment'].includes(tokens[at]?.norm ?? '')) taken.add(at);
        return;
      }
      if (at < tokens.length && !taken.has(at)) extra.push({ word: tokens[at]!.raw, at });
    }
  });

  let runbook: InventoryRunbook | null = null;
  let score = (run ?? action)!.score;
  let name: string;
  let filler: { word: string; at: number }[] = [];
  if (run) {
    if (object.length === 0) return { command: { intent: 'runbook.run', slots: { runbook: '', params } }, confidence: 0.45, problem: 'Say which runbook to run, e.g. "run restart-service on api-1".' };
    name = object.map((o) => o.word).join('-');
    // Only try a name as long as the longest the inventory could hold.
    let hit = null;
    let used = object.length;
    for (; used > 0 && !hit; used--) {
      const hits = index.runbook(object.slice(0, used).map((o) => o.word).join('-'));
      if (hits.length === 1) hit = hits[0]!;
    }
    // "run the restart runbook on web-1": no runbook is named "restart", but one does it.
    const byAction = hit ? null : object.map((o) => ({ o, action: actionOf(o.word) })).find((a) => a.action !== null);
    const chosen = byAction ? chooseRunbook(index.runbooksFor(byAction.action!.action), object.filter((o) => o !== byAction.o).map((o) => o.word)) : null;
    if (hit) {
      runbook = hit.item;
      score *= hit.score;
      object.slice(0, used + 1).forEach((o) => taken.add(o.at));
      filler = object.slice(used + 1);
    } else if (chosen && byAction) {
      runbook = chosen.runbook;
      score *= chosen.score * byAction.action!.score;
      taken.add(byAction.o.at);
      const named = `${chosen.runbook.id} ${chosen.runbook.title}`.toLowerCase();
      for (const o of object) if (named.includes(o.word)) taken.add(o.at);
      filler = object.filter((o) => !taken.has(o.at));
    } else if (index.inventory.runbooks.length > 0) {
      return { command: { intent: 'runbook.run', slots: { runbook: name, params } }, confidence: 0.4, problem: `No runbook named "${name}".`, suggestions: runbooksLike(index.inventory.runbooks, name.split('-')) };
    } else {
      object.forEach((o) => taken.add(o.at));
    }
  } else {
    const canonical = actionOf(tokens[action!.at]!.norm)!.action;
    name = [canonical, ...object.map((o) => o.word)].join('-');
    const chosen = chooseRunbook(index.runbooksFor(canonical), object.map((o) => o.word));
    // "clear the cache on cache-1": the clear runbook frees disk; the word the line names is another runbook's ("flush-cache").
    const elsewhere = chosen ? otherRunbookNamed(index.inventory.runbooks, chosen.runbook, object.map((o) => o.word)) : null;
    if (chosen && elsewhere) {
      return { command: { intent: 'runbook.run', slots: { runbook: chosen.runbook.id, params } }, confidence: 0.45, problem: `Runbook ${chosen.runbook.id} (${chosen.runbook.title.toLowerCase()}) is what "${tokens[action!.at]!.raw}" does, but "${elsewhere.word}" names ${elsewhere.runbook.id}: say which, e.g. "run ${elsewhere.runbook.id}${target.hit ? ` on ${target.hit.target.name}` : ''}".` };
    }
    if (chosen) {
      runbook = chosen.runbook;
      score *= chosen.score;
      // Words that name the runbook ("clear *disk*", "flush *cache*") are not parameters.
      const named = `${chosen.runbook.id} ${chosen.runbook.title}`.toLowerCase();
      for (const o of object) if (named.includes(o.word)) taken.add(o.at);
    } else if (index.inventory.runbooks.length > 0) {
      return { command: { intent: 'runbook.run', slots: { runbook: name, params } }, confidence: 0.4, problem: `No runbook does "${canonical}".`, suggestions: runbooksLike(index.inventory.runbooks, name.split('-')) };
    } else {
      // Without a runbook inventory the verb names it; the executor says whether one exists.
      name = canonical;
      score *= 0.8;
    }
    filler = object.filter((o) => !taken.has(o.at));
  }
  // "rollback web to 4.11": what follows "to" is the version-like parameter when there is one.
  const versionParam = (runbook?.params ?? []).find((p) => VERSION_PARAMS.includes(p));
  if (versionParam && params[versionParam] === undefined && extra.length > 0) {
    params[versionParam] = extra[0]!.word;
    taken.add(extra[0]!.at);
    extra.shift();
  }
  filler = [...filler, ...extra];

  // Fill the runbook's parameters: the target to its host-like one, object words to the rest in order.
  const names = runbook?.params ?? ['service', 'host'];
  const hostParam = names.find((p) => HOST_PARAMS.includes(p));
  if (target.hit && hostParam && params[hostParam] === undefined) params[hostParam] = target.hit.target.name;
  // A runbook without a host-like parameter ("rollback-deploy": service, version): a named
  // target that is not a host ("payments-api") is what it acts on, its first parameter.
  const firstOpen = names.find((p) => params[p] === undefined);
  if (target.hit && !hostParam && target.hit.target.label !== 'host' && firstOpen) params[firstOpen] = target.hit.target.name;
  // A parameter said by its name: "failover db cluster main", "restart-service on web-1 service nginx".
  for (let k = i; k < tokens.length - 1; k++) {
    const param = tokens[k]!.norm;
    const value = tokens[k + 1]!;
    if (HOST_PARAMS.includes(param) || !names.includes(param) || params[param] !== undefined) continue;
    if (taken.has(k + 1) || STOP_WORDS.has(value.norm)) continue;
    params[param] = value.raw;
    taken.add(k).add(k + 1);
    filler = filler.filter((o) => o.at !== k && o.at !== k + 1);
  }
  // A path ("/var/log", "~/tmp") goes to the runbook's path-like parameter wherever it stands.
  const pathParam = names.find((p) => PATH_PARAMS.includes(p) && params[p] === undefined);
  const pathAt = pathParam ? tokens.findIndex((t, k) => !taken.has(k) && /^[/~]/.test(t.raw)) : -1;
  if (pathParam && pathAt !== -1) {
    params[pathParam] = tokens[pathAt]!.raw.replace(/[,;!?]+$/, '');
    taken.add(pathAt);
    filler = filler.filter((o) => o.at !== pathAt);
  }
  // A path-like parameter takes a path only ("/var/log"); "free memory on db-2" names no path.
  const open = names.filter((p) => !HOST_PARAMS.includes(p) && !PATH_PARAMS.includes(p) && params[p] === undefined);
  // "free memory on db-2": a metric named after the verb, not in the runbook's own name, is likely a question about it.
  let asksAboutMetric = false;
  for (const o of filler) {
    // "failover the db cluster": a parameter's own name is the noun, not its value; nor is "runbook".
    if (names.includes(o.word) || is(o.word, 'runbook')) {
      taken.add(o.at);
      continue;
    }
    // "restart everything on web-1", "restart all services": a run acts on one of each parameter.
    if (ALL_WORDS.has(o.word) || o.word === 'any') {
      return { command: { intent: 'runbook.run', slots: { runbook: runbook?.id ?? name, params } }, confidence: 0.45, problem: `A runbook run acts on one ${open[0] ?? 'thing'} at a time: say which, e.g. "${tokens[verbAt]!.raw} nginx${target.hit ? ` on ${target.hit.target.name}` : ''}".` };
    }
    if (conceptOf(o.word)?.score === 1 && !(runbook && `${runbook.id} ${runbook.title}`.toLowerCase().includes(o.word))) {
      asksAboutMetric = true;
      continue;
    }
    const param = open.shift();
    if (!param) break;
    params[param] = o.word;
    taken.add(o.at);
  }
  if (target.unresolved) score *= 0.6;
  if (asksAboutMetric) score *= 0.5;
  const slots = incident ? { runbook: runbook?.id ?? name, params, incidentId: incident.id } : { runbook: runbook?.id ?? name, params };
  return {
    command: { intent: 'runbook.run', slots },
    confidence: score * leftoverFactor(tokens, taken),
    ...(target.unresolved ? { problem: `No target named "${target.unresolved}".`, suggestions: target.suggestions ?? [] } : {}),
  };
};

// runbooks.list ----------------------------------------------------------------------------

/**
 * "list runbooks", "what runbooks are there", "runbooks for restart", "what can I run":
 * the runbooks the server has. A line led by a run verb ("run the restart runbook") is a
 * run, not a question.
 */
export const runbooksListRule: Rule = (line) => {
  const { tokens, text } = line;
  const whatCanIRun = /^(what|which)( \w+)? can (i|we|you) (run|automate|execute)\??$/i.test(text.trim());
  const noun = tokens.findIndex((t) => is(t.norm, 'runbook'));
  if (!whatCanIRun && noun === -1) return null;
  if (!whatCanIRun && leadingVerb(tokens, (n) => verbOf(n, 'run'), 1)) return null;
  const taken = new Set<number>(whatCanIRun ? tokens.map((_, i) => i) : [noun]);
  let about: string | undefined;
  tokens.forEach((t, i) => {
    if (is(t.norm, 'list') || is(t.norm, 'show') || LIST_QUESTION_WORDS.has(t.norm) || ['available', 'exist', 'got', 'there', 'known'].includes(t.norm)) taken.add(i);
    // "runbooks for restart", "runbooks about disk": what they should be about.
    if (i > noun && ['for', 'about', 'to', 'that', 'which'].includes(tokens[i - 1]?.norm ?? '') && !taken.has(i) && !FILLER.has(t.norm)) {
      about = actionOf(t.norm)?.action ?? t.norm;
      taken.add(i).add(i - 1);
    }
  });
  const slots = about ? { about } : {};
  return { command: { intent: 'runbooks.list', slots }, confidence: leftoverFactor(tokens, taken) };
};

// alerts.list ------------------------------------------------------------------------------

/** Participles that describe an alert as silenced ("silenced alerts", "alerts that are muted"), and their opposites. */
const SILENCED_WORDS = new Set(['silenced', 'muted', 'snoozed', 'suppressed', 'hushed']);
const UNSILENCED_WORDS = new Set(['unsilenced', 'unmuted', 'unsnoozed', 'unsuppressed']);
const NEGATORS = new Set(['not', 'never', "isn't", 'isnt', "aren't", 'arent', "wasn't", "weren't"]);

/**
 * Does the line ask for alerts by whether they are silenced ("silenced alerts", "muted alerts
 * on db-1", "alerts not silenced", "unmuted critical alerts")? Returns the state asked for and
 * the tokens that say it, or null. A length said with it is a window ("silenced alerts for the
 * last hour"): an order to silence is said with the verb ("mute alerts on db-1 for 1h").
 */
function silencedFilterOf(tokens: readonly Token[]): { silenced: boolean; at: number; negator: number | null } | null {
  if (!tokens.some((t) => isAlertNoun(t.norm))) return null;
  const at = tokens.findIndex((t) => SILENCED_WORDS.has(t.norm) || UNSILENCED_WORDS.has(t.norm));
  if (at === -1) return null;
  const negator = NEGATORS.has(tokens[at - 1]?.norm ?? '') ? at - 1 : null;
  return { silenced: SILENCED_WORDS.has(tokens[at]!.norm) === (negator === null), at, negator };
}


/**
 * A line led by an order that changes alerts or incidents ("ack …", "silence …", "resolve …", "assign …"):
 * its own rule answers it (or asks about it); read as a list or a chart it would do nothing asked.
 */
function ledByStateOrder(tokens: readonly Token[]): boolean {
  const first = tokens[0]?.norm ?? '';
  return ['resolve', 'close', 'reopen', 'mitigate', 'assign', 'reassign'].includes(first) || UNACK_VERBS.has(first) || incidentEditAsked(tokens) !== null || verbOf(first, 'silence') > 0 || verbOf(first, 'unsilence') > 0 || IMPERATIVE_ACK.has(first);
}

const HEALTH_WORDS = new Set(['ok', 'okay', 'healthy', 'health', 'doing', 'fine', 'alright', 'good']);
/** A line of these alone (and filler) asks how things stand: what is firing or acknowledged. */
const STATUS_WORDS = new Set(['status', 'sitrep', 'overview', 'summary', 'report', 'state', 'check', 'investigate', 'inspect', 'happening']);
/** Whole lines that ask how things stand without a target ("what's up", "everything ok?", "are we good"). */
const HOW_THINGS_STAND = /^(sup|what'?s up|wassup|(is )?(everything|all|things|prod) (ok|okay|good|fine|alright|green)|(are )?we (ok|okay|good|fine)|all good|how are (we|things)( doing| looking)?)[?!.]*$/;

/** The one host-like word ("web-9") of a line of nothing else but filler, show or status words, when it names no target. */
function strayTargetAlone(line: Line): string | null {
  const rest = line.tokens.filter((t) => !FILLER.has(t.norm) && !STATUS_WORDS.has(t.norm) && !is(t.norm, 'show'));
  const word = rest.length === 1 ? rest[0]!.norm : null;
  if (!word || !/[a-z]/.test(word) || !/\d/.test(word) || !/^[a-z0-9._-]+$/.test(word) || idOf(rest[0]) !== null) return null;
  return line.index.target(word, false).length === 0 ? word : null;
}

/** "web-1", "show me web-1", "status of db-2": the line names a target and nothing but filler, show or status words. */
function targetAlone(line: Line): boolean {
  const target = findTarget(line, new Set());
  const hit = target.hit;
  return hit !== null && line.tokens.every((t, i) => (i >= hit.at && i < hit.end) || FILLER.has(t.norm) || STATUS_WORDS.has(t.norm) || is(t.norm, 'show'));
}

export const alertsRule: Rule = (line) => {
  const { tokens } = line;
  // "alert 12": that alert (alertShowRule), not the list.
  if (idAfter(tokens, new Set(), isAlertNoun)) return null;
  // "resolve alert 12", "close the alerts": a change asked for, answered by incidentStatusRule's advice;
  // "silence all alerts for 15 mins", "ack the alerts": orders that their own rules answer (or ask about).
  // "silenced alerts", "muted alerts on db-1": a participle first describes the alerts, it orders nothing.
  const silencedFilter = silencedFilterOf(tokens);
  if (ledByStateOrder(tokens) && silencedFilter?.at !== 0) return null;
  const taken = new Set<number>();
  if (silencedFilter) {
    taken.add(silencedFilter.at);
    if (silencedFilter.negator !== null) taken.add(silencedFilter.negator);
  }
  let trigger = 0;
  const severities: Severity[] = [];
  let state: 'firing' | 'acknowledged' | 'resolved' | undefined;
  let fired = false;
  tokens.forEach((t, i) => {
    if (isAlertNoun(t.norm)) {
      trigger = Math.max(trigger, 1);
      taken.add(i);
    } else if (is(t.norm, 'firing') || t.norm === 'fire') {
      trigger = Math.max(trigger, t.norm === 'firing' ? 1 : 0.8);
      state ??= 'firing';
      taken.add(i);
    }
    if (SEVERITY_WORDS[t.norm]) {
      severities.push(SEVERITY_WORDS[t.norm]!);
      trigger = Math.max(trigger, 0.85);
      taken.add(i);
    }
    if (STATE_WORDS[t.norm]) {
      // "alerts not acked", "alerts that aren't resolved": the other states.
      const negated = ['not', 'never', "isn't", 'isnt', "aren't", 'arent', 'yet'].includes(tokens[i - 1]?.norm ?? '');
      state = negated ? NEGATED_STATE[STATE_WORDS[t.norm]!] : STATE_WORDS[t.norm];
      if (negated) taken.add(i - 1);
      taken.add(i);
    }
    if (is(t.norm, 'list') || is(t.norm, 'show') || ['anything', 'something', 'whats', 'happening', 'going', 'on', 'new'].includes(t.norm)) taken.add(i);
    // "what fired overnight", "anything page last night", "what went off": alerts of a past window.
    if (FIRED_WORDS.has(t.norm) || (t.norm === 'went' && tokens[i + 1]?.norm === 'off')) {
      trigger = Math.max(trigger, 0.9);
      fired = true;
      taken.add(i);
      if (t.norm === 'went') taken.add(i + 1);
    }
  });
  // "is web-1 ok", "how is db-2 doing": a target's health, answered by what is wrong with it.
  const health = tokens.findIndex((t, i) => !taken.has(i) && HEALTH_WORDS.has(t.norm));
  // "status", "sitrep", "web-1", "show me web-1", "status of db-2": the state of things (of a target) alone.
  const statusOnly = trigger === 0 && ((health === -1 && tokens.length > 0 && tokens.every((t) => FILLER.has(t.norm) || STATUS_WORDS.has(t.norm) || is(t.norm, 'show'))) || HOW_THINGS_STAND.test(line.text.toLowerCase().replace(/[’‘]/g, "'").trim()));
  if (trigger === 0 && health === -1 && !statusOnly && !targetAlone(line)) {
    // "web-9", "status of wbe-1": a host-like word alone that is no target.
    const stray = strayTargetAlone(line);
    return stray ? { command: { intent: 'alerts.list', slots: {} }, confidence: 0.45, problem: `No target named "${stray}".`, suggestions: line.index.suggestTargets(stray) } : null;
  }
  const target = findTarget(line, taken);
  if (trigger === 0) {
    if (!target.hit && !(statusOnly && (tokens.some((t) => STATUS_WORDS.has(t.norm)) || HOW_THINGS_STAND.test(line.text.toLowerCase().replace(/[’‘]/g, "'").trim())))) return null;
    trigger = 0.8;
    const wholeLine = HOW_THINGS_STAND.test(line.text.toLowerCase().replace(/[’‘]/g, "'").trim());
    tokens.forEach((t, i) => (wholeLine || HEALTH_WORDS.has(t.norm) || STATUS_WORDS.has(t.norm) || is(t.norm, 'show') || ['is', 'are', 'how', 'hows', 'all', 'right', 'looking'].includes(t.norm) ? taken.add(i) : undefined));
  }
  if (target.hit) take(taken, target.hit.at, target.hit.end);
  const window = alertWindow(line, taken);
  // "what fired" without a time: the last day.
  const range = window ?? (fired ? { from: line.ref.now - DAY_MS, to: line.ref.now } : null);
  if (fired && state === 'firing') state = undefined; // "fired" asks what fired then, not what still fires
  const slots = {
    ...(target.hit ? { target: target.hit.target.name } : {}),
    ...severitySlots(severities),
    ...(state ? { state } : {}),
    ...(silencedFilter ? { silenced: silencedFilter.silenced } : {}),
    ...(range ? { from: range.from, to: range.to } : {}),
  };
  if (target.unresolved) {
    return { command: { intent: 'alerts.list', slots }, confidence: 0.45, problem: `No target named "${target.unresolved}".`, suggestions: target.suggestions ?? [] };
  }
  return { command: { intent: 'alerts.list', slots }, confidence: trigger * (target.hit?.score ?? 1) * leftoverFactor(tokens, taken) };
};

/** The state asked for by a negated one: not acknowledged is firing, not firing resolved, not resolved either (no state: the default). */
const NEGATED_STATE: Readonly<Record<'firing' | 'acknowledged' | 'resolved', 'firing' | 'resolved' | undefined>> = { acknowledged: 'firing', firing: 'resolved', resolved: undefined };

const FIRED_WORDS = new Set(['fired', 'paged', 'triggered', 'alerted', 'happened', 'happen', 'broke']);
const DAY_MS = 86_400_000;

/** A past window said with the alerts ("in the last 2h", "overnight", "since midnight"), its words taken. */
function alertWindow(line: Line, taken: Set<number>): { from: number; to: number } | null {
  const { tokens, ref } = line;
  const duration = findDurations(tokens, taken).find((d) => d.ms > 0);
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

// metrics.show -----------------------------------------------------------------------------

/** Words whose "up" is their own: "what's up (with db-1)", "scale up web", "spin up web-3", "bring up db-2". */
const UP_IDIOMS = new Set(['whats', "what's", 'sup', 'scale', 'spin', 'bring', 'fire', 'boot', 'power', 'ramp', 'speed', 'wake', 'warm', 'set', 'start', 'back', 'clean', 'free', 'open', 'step']);

/** Is the token the "up" of an idiom or a phrasal verb, not the `up` metric? */
function whatsUpAt(tokens: readonly Token[], i: number): boolean {
  return tokens[i]?.norm === 'up' && UP_IDIOMS.has(tokens[i - 1]?.norm ?? '');
}

export const metricsRule: Rule = (line) => {
  const { tokens, index, ref } = line;
  if (ledByStateOrder(tokens)) return null;
  const taken = new Set<number>();
  let metric: { name: string; score: number } | null = null;
  let metricAt = -1;
  tokens.forEach((t, i) => {
    if (metric || whatsUpAt(tokens, i)) return;
    // Two words that name one metric first ("disk io", "response time"), then one.
    const next = tokens[i + 1];
    const pair = next ? index.metric(t.norm + next.norm, true) : null;
    const found = pair ?? index.metric(t.norm);
    if (found) {
      metric = found;
      metricAt = i;
      take(taken, i, pair ? i + 2 : i + 1);
    }
  });
  if (!metric) return null;
  const found = metric as { name: string; score: number };
  tokens.forEach((t, i) => {
    // "network traffic", "memory ram": more words for the same metric.
    if (is(t.norm, 'show') || (!taken.has(i) && index.metric(t.norm)?.name === found.name)) taken.add(i);
  });

  let from = ref.now - DEFAULT_RANGE_MS;
  let to = ref.now;
  const duration = findDurations(tokens, taken)[0];
  if (duration) {
    from = ref.now - duration.ms;
    take(taken, duration.start, duration.end);
    for (let k = duration.start - 1; k >= 0 && ['last', 'past', 'previous', 'the', 'over', 'in', 'for', 'during'].includes(tokens[k]!.norm); k--) taken.add(k);
    if (tokens[duration.end]?.norm === 'ago') taken.add(duration.end);
  }
  const target = findTarget(line, taken);
  if (target.hit) take(taken, target.hit.at, target.hit.end);
  if (!duration) {
    const range = findTimeRange(line.text, tokens, taken, ref);
    if (range) {
      from = range.from;
      to = range.to;
      take(taken, range.start, range.end);
    }
  }
  const slots = { metric: found.name, ...(target.hit ? { target: target.hit.target.name } : {}), from, to };
  // "last 0 minutes", "from 10:00 to 09:00": nothing to chart.
  if (to <= from) return { command: { intent: 'metrics.show', slots }, confidence: 0.45, problem: 'A chart needs a window that ends after it starts, e.g. "last 2h" or "from 9am to 11am".' };
  if (target.unresolved) {
    return { command: { intent: 'metrics.show', slots }, confidence: 0.45, problem: `No target named "${target.unresolved}".`, suggestions: target.suggestions ?? [] };
  }
  // "cpu and memory on web-1": a chart is of one metric; charting the first would drop the rest unsaid.
  const others = otherMetrics(line, taken, found.name, metricAt);
  if (others.length > 0) {
    const where = target.hit ? ` on ${target.hit.target.name}` : '';
    const each = [found.name, ...others].map((name) => `"${name}${where}"`).join(', then ');
    return { command: { intent: 'metrics.show', slots }, confidence: 0.5, problem: `A chart shows one metric; this would leave out ${others.join(' and ')}: ask for one at a time, e.g. ${each}.` };
  }
  return { command: { intent: 'metrics.show', slots }, confidence: found.score * (target.hit?.score ?? 1) * leftoverFactor(tokens, taken) };
};

/** Words that join two things asked for: "cpu and memory", "cpu, memory", "memory vs cpu". */
const METRIC_JOINERS = new Set(['and', 'or', '&', '+', 'plus', 'vs', 'versus', 'also', 'as', 'with']);

/**
 * Metrics other than `first` (its first word at `firstAt`) named by words not yet read, each
 * once, in order; only those set apart from it by a joiner or a comma, so that "cpu load"
 * stays one thing asked for and "cpu and load" is two.
 */
function otherMetrics(line: Line, taken: ReadonlySet<number>, first: string, firstAt: number): string[] {
  const { tokens, index } = line;
  const names: string[] = [];
  // Words a and b (a < b) are apart when a joiner stands between them or a comma follows a word from a on.
  const apart = (a: number, b: number) => tokens.slice(a, b).some((t, k) => (k > 0 && METRIC_JOINERS.has(t.norm)) || t.raw.endsWith(','));
  for (let i = 0; i < tokens.length; i++) {
    if (taken.has(i) || !apart(Math.min(i, firstAt), Math.max(i, firstAt))) continue;
    const next = tokens[i + 1];
    const pair = next && !taken.has(i + 1) ? index.metric(tokens[i]!.norm + next.norm, true) : null;
    const found = pair ?? index.metric(tokens[i]!.norm);
    if (!found || found.score < 1 || found.name === first) continue;
    if (!names.includes(found.name)) names.push(found.name);
    if (pair) i++;
  }
  return names;
}

export const RULES: readonly Rule[] = [helpRule, replyRule, ackRule, unackRule, unsilenceRule, silenceRule, silencesListRule, noteRule, incidentStatusRule, incidentAssignRule, notFromChatRule, incidentRule, incidentsListRule, anomalyRule, runbookRule, runbooksListRule, alertShowRule, alertsRule, metricsRule];

import { MAX_ALERTS_AT_ONCE, type Severity } from '../intents.ts';
import { ALL_WORDS, FILLER, FREE_TEXT_MARKERS, SEVERITY_WORDS, severitySlots, verbOf } from '../lexicon.ts';
import { idOf, restOf, type Token } from '../tokens.ts';
import { commentFrom, findTarget, firstId, freeTextFrom, ID_JOINERS, idAfter, isAlertNoun, isCourtesy, isIncidentNoun, isTimeUnit, leadingVerb, leftoverFactor, type Line, moreIds, type Reading, type Rule, take } from './kit.ts';
import { ackLengthAt } from './ack-length.ts';
import { IMPERATIVE_ACK, reversedBefore, UNACK_VERBS } from './orders.ts';

/** "ack 12 for incident 7": the words that say which incident an alert is part of. */
const CONTEXT_WORDS = new Set(['for', 'in', 'of', 'on', 'from', 're']);

const QUESTION_WORDS = new Set(['who', 'when', 'did', 'was', 'were', 'has', 'have', 'is', 'why', 'whom']);

export const ackRule: Rule = (line) => {
  const { tokens } = line;
  const verb = leadingVerb(tokens, (n) => verbOf(n, 'ack'));
  // "unacknowledge 12" is one edit-pair from "acknowledge": its opposite, read by unackRule.
  // ("unack 88 (acked by mistake)": an ack said after the un-ack is why it is undone, unackRule's comment.)
  if (!verb || UNACK_VERBS.has(tokens[verb.at]!.norm) || /^un-?ack/.test(tokens[verb.at]!.norm) || tokens[verb.at - 1]?.norm === 'un' || tokens.slice(0, verb.at).some((t) => UNACK_VERBS.has(t.norm))) return null;
  // "who acked 12?", "was 12 acknowledged": a question about an acknowledgement, not one to make.
  if (QUESTION_WORDS.has(tokens[0]?.norm ?? '')) return null;
  // "revert the ack on 12" (unackRule), "stop acking 12", "skip the ack": not an acknowledgement to make;
  // "note 7 acked 12 and restarted nginx": a note's text.
  if (reversedBefore(tokens, verb.at) || tokens.slice(0, verb.at).some((t) => verbOf(t.norm, 'note') === 1)) return null;
  const taken = new Set<number>([verb.at]);
  // ("ack 12 - investigating (see INC-7)", "ack 12 because incident 7 covers it": an incident in the comment is its words.)
  let incident = idAfter(tokens.slice(0, freeTextFrom(tokens, verb.at)), taken, isIncidentNoun);
  // "ack 12 for incident 7", "ack 12 in inc 7", "ack 12 investigating, see inc 7": alert 12, said with the incident it is
  // part of (not every alert of it); an alert's id said before the incident makes the incident context.
  const incidentNoun = incident && 'noun' in incident ? (incident.noun as number | null) : null;
  if (incident && tokens.slice(verb.at + 1, incidentNoun ?? incident.at).some((t) => idOf(t) !== null)) {
    if (incidentNoun !== null && CONTEXT_WORDS.has(tokens[incidentNoun - 1]?.norm ?? '')) take(taken, incidentNoun - 1, incident.at + 1);
    incident = null;
  }
  const range = incident ? null : idRange(tokens, verb.at + 1);
  if (range) {
    take(taken, range.at, range.end);
    tokens.forEach((t, i) => i > verb.at && i < range.at && (isAlertNoun(t.norm) || FILLER.has(t.norm)) && taken.add(i));
    const count = range.last - range.first + 1;
    if (count > MAX_ALERTS_AT_ONCE) return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: `Alerts ${range.first} to ${range.last} are ${count} alerts, more than ${MAX_ALERTS_AT_ONCE} at once: acknowledge their incident instead, e.g. "ack incident 7".` };
    // ("ack 12-14 and 20", "ack 12-14, 20": more ids joined to the range are the same list, never its comment.)
    const joinedIds = idRun(tokens, range.end, taken);
    const listed = joinedIds.ids.length > 0 && (joinedIds.joined || tokens[range.end - 1]!.raw.endsWith(','));
    if (listed && joinedIds.or) return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: 'Say which alerts: "or" leaves it open. List every one to acknowledge with "and" (e.g. "ack 12 and 13"), or name one.' };
    const extra = listed ? joinedIds.ids.map((t) => idOf(t)!) : [];
    const lengthSaid = ackLengthAt(line, listed ? joinedIds.end : range.end);
    if (lengthSaid) return lengthRead(lengthSaid, `${range.first}`, verb.score);
    const comment = commentFrom(line, listed ? joinedIds.end : range.end);
    const alertIds = [...new Set([...Array.from({ length: count }, (_, k) => range.first + k), ...extra])];
    const excluded = excludedId(comment, alertIds);
    if (excluded !== null) return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: `Alert ${excluded} is in the range and said to be left out: list only the alerts to acknowledge, e.g. "ack ${alertIds.filter((id) => id !== excluded).join(' ')}".` };
    if (alertIds.length > MAX_ALERTS_AT_ONCE) return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: `That is ${alertIds.length} alerts, more than ${MAX_ALERTS_AT_ONCE} at once: acknowledge their incident instead, e.g. "ack incident 7".` };
    return { command: { intent: 'alert.ack', slots: comment ? { alertIds, comment } : { alertIds } }, confidence: verb.score * leftoverFactor(tokens.slice(0, range.end), taken) };
  }
  // An id before the verb only right before it ("12 ack", "12 is acked"): "take 7 and ack its alerts" names no alert 7.
  const before = firstId(tokens, taken);
  const adjacent = before !== null && before.at < verb.at && tokens.slice(before.at + 1, verb.at).every((t) => t.norm === 'is') ? before : null;
  const alert = incident ? null : idAfter(tokens, taken, isAlertNoun) ?? firstId(tokens, taken, verb.at + 1) ?? adjacent;
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
  // ("ack disk alerts 2 hours": the number its unit follows is a length, which an acknowledgement has not; it acknowledged
  // alert 2 with the comment "hours".)
  if (!incident && isTimeUnit(tokens[found.at + 1]?.norm)) return lengthRead(`${tokens[found.at]!.raw} ${tokens[found.at + 1]!.raw}`, null, verb.score);
  const noun = 'noun' in found ? (found.noun as number | null) : null;
  if (noun !== null) taken.add(noun);
  taken.add(found.at);
  // "ack incident 7 and 8": each incident's alerts are confirmed on their own.
  const otherIncidents = incident ? moreIds(tokens, found.at) : null;
  if (otherIncidents) return { command: { intent: 'alert.ack', slots: { incidentId: found.id } }, confidence: 0.45 * verb.score, problem: `One incident at a time, e.g. ${[found.id, ...otherIncidents.ids].map((id) => `"ack incident ${id}"`).join(', then ')}.` };
  // "ack 12 13 14", "acknowledge #12 #13": nothing but ids after the first is a list, not a comment ("ack 12 3 nodes down" is one).
  // So is a run of ids before a comment's marker or ids written with "#" ("ack 12 13 - same cause", "ack #12 #13 investigating").
  // ("ack 7 8 and 9": spaces, commas and "and" may part the ids of one list.)
  const run = idRun(tokens, found.at + 1, taken);
  const ids = run.ids;
  const after = tokens[run.end];
  // ("ack 7 8 and 9 are flapping": ids joined by "and" are a list whatever follows; "ack 12 3 nodes down" has a comment.)
  const listed = ids.length > 0 && ids.length < MAX_ALERTS_AT_ONCE
    // ("ack 12 13", "ack 12 13 np", "ack 12 13 ok 👍": ids followed by nothing, or by what is no comment (assent, manners, a
    // reaction), are the list; it acknowledged 12 with the comment "13 np". "ack 12 3 nodes down" keeps its comment. Nothing
    // after them, and courtesy after them, are both no comment: `commentFrom` says so once for both.)
    // ("ack 12 13 but not 14": ids before an id left out are a list; it acknowledged 12 alone, "13 but not 14" its comment.)
    // ("ack 12 13 14 pls, looking into it": manners set off by a comma end the list as a marker does; it was asked about.)
    && (commentFrom(line, run.end) === undefined || run.joined || EXCLUDED_ID.test(restOf(line.text, tokens, run.end)) || tokens[run.end - 1]!.colon || FREE_TEXT_MARKERS.has(after?.norm ?? '') || (after !== undefined && isCourtesy(after) && after.raw.endsWith(',')) || (tokens[found.at]!.norm.startsWith('#') && ids.every((t) => t.norm.startsWith('#'))));
  const onlyIds = !incident && listed;
  // ("ack 12 13 on it", "ack 12 13 looking", "ack 12 13 2 pods crashlooping": a number after the id, then words that do not
  // count it, may be one more alert; it acknowledged 12 alone with the comment "13 on it". "ack 12 3 nodes down" counts.)
  if (!incident && !listed && ids.length > 0 && !moreIds(tokens, found.at) && !countsWhatFollows(ids, after, tokens[run.end + 1]) && !ackLengthAt(line, found.at + 1)) {
    const said = restOf(line.text, tokens, found.at + 1);
    return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: `"${said}" may start with one more alert: say "ack ${[found.id, ...ids.map((t) => idOf(t)!)].join(' ')} - <comment>" to acknowledge ${ids.length > 1 ? 'them' : idOf(ids[0])} too, or "ack ${found.id} - ${said}" to keep it as the comment.` };
  }
  const more = incident ? null : onlyIds ? { ids: ids.map((t) => idOf(t)!), last: run.end - 1 } : moreIds(tokens, found.at);
  const last = more ? more.last : found.at;
  // "ack 7 or 8", "ack 7, 8 or 9", "ack incident 7 or 8": which is not said; acknowledging all, or the first, would guess.
  if (tokens.slice(found.at + 1, last + 2).some((t, k) => t.norm === 'or' && idOf(tokens[found.at + 2 + k]) !== null)) {
    const which = incident ? 'Say which incident: "or" leaves it open (one at a time, e.g. "ack incident 7").' : 'Say which alerts: "or" leaves it open. List every one to acknowledge with "and" (e.g. "ack 12 and 13"), or name one.';
    return { command: { intent: 'alert.ack', slots: incident ? { incidentId: found.id } : { alertId: found.id } }, confidence: 0.45 * verb.score, problem: which };
  }
  // ("ack incident 7 alerts": the alerts it acknowledges, not a comment; "ack 12 for incident 7": its incident, said.)
  let from = last + 1;
  while (taken.has(from)) from++;
  const rest = tokens.slice(from);
  const lengthSaid = ackLengthAt(line, from);
  if (lengthSaid) return lengthRead(lengthSaid, incident ? null : `${found.id}`, verb.score);
  const comment = rest.length > 0 && rest.every((t) => isAlertNoun(t.norm)) ? undefined : found.at > verb.at ? commentFrom(line, from) : commentFrom(line, verb.at + 1);
  const alertIds = [...new Set([found.id, ...(more?.ids ?? [])])];
  // "ack 12 rolling back, also 13": another alert joined on at the end of the comment is asked about, never dropped in it.
  // ("ack 12 - 14": a comment that is an id and nothing else is the same.)
  const alsoId = incident ? null : joinedIdAtEnd(comment) ?? (/^#?\d{1,9}$/.test(comment ?? '') ? Number(comment!.replace('#', '')) : null);
  if (alsoId !== null && !alertIds.includes(alsoId)) return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: `Alert ${alsoId} is named in the comment: to acknowledge it too, list the alerts first, e.g. "ack ${[...alertIds, alsoId].join(' ')} - <comment>"; or send "ack ${alsoId}" on its own.` };
  // "ack 12 13 and 14 except 13", "ack 12-14 but not 13": an id said to be left out of the list is not acknowledged with it.
  const excluded = excludedId(comment, incident ? [] : alertIds);
  // ("ack 12 13 but not 14": one not in the list, said to be left out, is read by no one (it was the comment, and 13 was
  // dropped); the list is asked for alone. "ack 13 not 12" is 13, the one said.)
  const leftOut = incident ? null : EXCLUDED_ID.exec(comment ?? '');
  if (excluded === null && leftOut && more) return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: `Chat does not read exclusions ("${leftOut[0]}"): list only the alerts to acknowledge, e.g. "ack ${alertIds.join(' ')}".` };
  if (excluded !== null) return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: `Alert ${excluded} is in the list and said to be left out: list only the alerts to acknowledge, e.g. "ack ${alertIds.filter((id) => id !== excluded).join(' ')}".` };
  // ("ack 12, 7 is resolved": the last id after a comma, then "is", is the subject of news of its own, not one more alert to
  // acknowledge; it acknowledged 7 too with the comment "is resolved". "ack 7 8 and 9 are flapping" says it of the list.)
  const lastId = more ? tokens[more.last] : undefined;
  if (!incident && more && lastId && /,$/.test(tokens[more.last - 1]?.raw ?? '') && SINGULAR_LINKS.has(tokens[more.last + 1]?.norm ?? '')) {
    const news = restOf(line.text, tokens, more.last);
    return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * verb.score, problem: `"${news}" may be news of ${idOf(lastId)} rather than one more alert to acknowledge: say "ack ${alertIds.filter((id) => id !== idOf(lastId)).join(' ')}" alone, or "ack ${alertIds.join(' ')} - <comment>" to acknowledge ${idOf(lastId)} too.` };
  }
  const slots = incident ? { incidentId: incident.id } : alertIds.length > 1 ? { alertIds } : { alertId: found.id };
  return { command: { intent: 'alert.ack', slots: comment ? { ...slots, comment } : slots }, confidence: verb.score };
};

/**
 * "3 nodes down", "1 node down", "500 errors": a single number then what it counts (a plural, or anything after a one),
 * "100%", "2 of 3": which makes the number the comment's, not an alert's. Two numbers ("13 2 pods") or a word that counts nothing ("13 on
 * it") do not.
 */
function countsWhatFollows(ids: readonly Token[], after: Token | undefined, next: Token | undefined): boolean {
  if (ids.length !== 1 || !after || !/^[a-z]/.test(after.norm)) return false;
  // ("100% cpu": a number written as no id is written is a measure; "2 of 3 replicas down": a part counted of a whole.)
  if (!/^#?\d+$/.test(ids[0]!.raw) || (after.norm === 'of' && /^\d+$/.test(next?.norm ?? ''))) return true;
  return idOf(ids[0]) === 1 || (/^[a-z]{3,}s$/.test(after.norm) && !NOT_PLURALS.has(after.norm));
}
/** Words ending in "s" that count nothing. */
const NOT_PLURALS = new Set(['was', 'has', 'its', 'this', 'yes', 'thanks', 'less', 'miss', 'plus', 'does', 'goes', 'says', 'looks', 'seems', 'always', 'sometimes', 'across', 'unless', 'pls', 'plss', 'thnks', 'thanx']);

/** What says something of one thing ("7 is resolved", "13 was fixed"); "are" says it of the whole list. */
const SINGULAR_LINKS = new Set(['is', 'was', 'has', "isn't", 'isnt', "wasn't", 'wasnt', "hasn't", 'hasnt']);

/** An id said to be left out, at the start of what follows a list ("except 13", "but not 13", "excluding #13"). */
const EXCLUDED_ID = /^(?:except|excluding|but not|not|minus|without|besides|apart from|other than)\s+(?:alert\s+)?#?(\d{1,9})\b/i;

/** An id of `ids` that a comment says to leave out ("except 13", "but not 13", "not 13", "excluding #13"), or null. */
function excludedId(comment: string | undefined, ids: readonly number[]): number | null {
  const m = EXCLUDED_ID.exec(comment ?? '');
  return m && ids.includes(Number(m[1])) ? Number(m[1]) : null;
}

/** An alert joined on at a comment's end ("rolling back, also 13", "… and #13 too", "… &13"), or null. */
function joinedIdAtEnd(comment: string | undefined): number | null {
  const m = /(?:^|[\s,;.!])(?:(?:also|plus|and|as well as|and also)\s+|&\s*)(?:alert\s+)?#?(\d{1,9})(?:\s+(?:too|as well))?[\s!.]*$/i.exec(comment ?? '');
  return m ? Number(m[1]) : null;
}

/** "ack 12 for 1h": an acknowledgement has no length; asked about, with the silence that has one (`what`: what to silence). */
function lengthRead(said: string, what: string | null, score: number): Reading {
  const instead = what === null ? `silence its alerts by name or target, e.g. "silence disk alerts on db-2 ${said}"` : `silence them, e.g. "silence ${what} ${said}"`;
  return { command: { intent: 'alert.ack', slots: {} }, confidence: 0.45 * score, problem: `An acknowledgement does not expire ("${said}"): it lasts until the alert resolves. To hide alerts for a while, ${instead}; to acknowledge, say it without the length.` };
}

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
  const lengthSaid = ackLengthAt(line, verb.at + 1, true);
  if (lengthSaid) return lengthRead(lengthSaid, target.hit.target.name, verb.score);
  return { command: { intent: 'alert.ack', slots: { target: target.hit.target.name, ...severitySlots(severities) } }, confidence: verb.score * target.hit.score * leftoverFactor(tokens, taken) };
}

/** The ids from `from` on, parted by spaces, commas, "and", "&", "+" or "or" ("8 and 9", "8, 9 & 10"): where they end, and whether a word (an "or") parts them. */
function idRun(tokens: readonly Token[], from: number, taken: ReadonlySet<number>): { ids: Token[]; end: number; or: boolean; joined: boolean } {
  const ids: Token[] = [];
  let or = false;
  let joined = false;
  let i = from;
  for (; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (idOf(token) !== null && !taken.has(i)) {
      ids.push(token);
      continue;
    }
    // ("12 and also 13", "12 as well as 13", "12 plus 13": the words that join one id to the next;
    // "12 thanks! also 13", "12 🙏 and 13": manners or a reaction between them part nothing.)
    let next = i;
    while (next < tokens.length && isCourtesy(tokens[next]!)) next++;
    const afterManners = next;
    while (next < tokens.length && ID_JOINERS.has(tokens[next]!.norm)) next++;
    if (next === afterManners && afterManners > i) next = i;
    if (next === i || idOf(tokens[next]) === null || taken.has(next)) break;
    joined = true;
    or ||= tokens.slice(i, next).some((t) => t.norm === 'or');
    i = next - 1;
  }
  return { ids, end: i, or, joined };
}

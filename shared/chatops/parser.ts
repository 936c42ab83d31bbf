import { EXAMPLES, PARSE_THRESHOLD, permissionFor, STATE_CHANGING, type Alternative, type Intent, type ParseResult } from './intents.ts';
import { unmarkedOrderAt } from './order-in-comment.ts';
import { addresseeOf, moodOf, orderAfterContext, reportedOrderAt, type Mood } from './mood.ts';
import { environmentSaid } from './environment.ts';
import { previewOf } from './format.ts';
import { typedPlainly } from './keyboard.ts';
import type { InventoryIndex, InventoryRunbook } from './inventory.ts';
import { TYPO_FACTOR } from './lexicon.ts';
import { foreignVerbFirst, foreignWordsRead } from './foreign-words.ts';
import { askedForSaid, lightVerbsRead } from './light-verbs.ts';
import { withoutPastedNotification } from './pasted-notification.ts';
import { politeGerundsSaid } from './polite-gerunds.ts';
import { timeToSaid } from './time-to.ts';
import { zoneNamesRead } from './zone-names.ts';
import { listItemsRead } from './list-items.ts';
import { ticketIdsRead } from './ticket-ids.ts';
import { lengthWordsRead } from './length-words.ts';
import { selfCorrectionRead } from './self-correction.ts';
import { deliberatedOrder } from './deliberation.ts';
import { idsInWords, spokenIdsSaid } from './spoken-ids.ts';
import { impossibleIdAnswer } from './impossible-id.ts';
import { watchRequestAnswer } from './watch-request.ts';
import { reactionsRead, reactionWithIdAnswer } from './reactions.ts';
import { HOST_PARAMS, RULES, type Line, type Reading } from './rules.ts';
import { correctSpelling } from './spelling.ts';
import type { TimeReference } from './times.ts';
import { mergePhrasalVerbs, restOf, tokenize, withoutMarkup, type Token } from './tokens.ts';
import { deferralOf, exclusionOf, leftOutTargets, namedTargets, secondCommandAt, targetPattern, unknownHostLike } from './whole-line.ts';

export const MAX_TEXT_LENGTH = 2000;

/** What reading an order after a clause of context costs ("the restart failed, restart nginx on web-1"). */
const CONTEXT_FACTOR = 0.95;

/** Orders done at once whose rule reads no time: one said with them puts them off ("ack 12 later"). */
const DEFERRABLE = new Set<Intent>(['alert.ack', 'alert.unack', 'incident.status', 'incident.assign', 'silence.expire', 'runbook.cancel']);

/** Orders that act on targets named: a host-like word that is none of them is asked about ("restart nginx on web-1 and web-9"). */
const HOST_ORDERS = new Set<Intent>(['runbook.run', 'alert.ack', 'silence.create']);

/** Readings of a target that a pattern of them ("web-*") would be dropped from: all but a silence's (which reads it). */
const PATTERN_DROPPED = new Set<Intent>(['runbook.run', 'metrics.show', 'alerts.list', 'incidents.list', 'anomaly.explain', 'silences.list']);

/** What joins two reports ("acked 12 and silenced web-1"). */
const JOINED_REPORT = new Set(['and', 'then', '&', '+']);

/** Two readings this close are a tie: the parser asks rather than pick one. */
const TIE_MARGIN = 0.05;

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

const MOOD_WORDS: Record<Exclude<Mood, 'order'>, string> = { question: 'a question', negated: 'a "do not"', report: 'a report of what was done', intention: 'a plan or an attempt of whoever said it ("I\'ll …", "about to …", "tried to …"), not asked of chat', conditional: 'a condition (chat does what is asked at once, never when something happens)', quoted: 'what someone else said or asked for (a quote)', corrected: 'a correction', addressed: 'asked of someone else in the channel (chat acts on what is asked of it)', listed: 'an item written down in a plan or a list ("todo:", "step 3:"), not asked of chat', about: 'said about it ("re:", "about …", "fyi …"), not asked of chat', ironic: 'said in irony ("sure, let\'s just …", "what could go wrong"), which means the opposite' };

/** A state change read from a line that does not order it: kept only as a suggestion, below the threshold. */
function notAnOrder(reading: Reading, mood: Exclude<Mood, 'order'>, now: number, line?: Line): Reading {
  const preview = previewOf(reading.command, now);
  // ("@bob ack 12", "hey @alice can you resolve 7", "bob: ack 12": whom it is asked of, and the order to send to do it oneself.)
  const addressee = mood === 'addressed' && line && !reading.problem ? addresseeOf(line.tokens) : null;
  if (addressee) {
    const own = line!.text.slice(line!.tokens[addressee.from]!.start).trim().replace(/[?.!]+$/, '');
    return { ...reading, confidence: Math.min(reading.confidence, 0.45), problem: `Read as addressed to ${addressee.who ?? 'someone else in the channel'}, not to chat, so nothing is done; to ${preview.charAt(0).toLowerCase()}${preview.slice(1)} yourself, say it to chat without the name: "${own}".` };
  }
  // ("ack 12 no wait 13": the order as typed is the one taken back; send the one meant.)
  if (mood === 'corrected') return { ...reading, confidence: Math.min(reading.confidence, 0.45), problem: 'Read as a correction ("no wait", "I meant …", "oops"), so nothing is done: send the command again, as you mean it, on a line of its own.' };
  // ("silence web-1 for 1h lol": a reading that was itself asked about has no preview to offer ("matching  for 1h").)
  if (reading.problem) return { ...reading, confidence: Math.min(reading.confidence, 0.45), problem: `Read as ${MOOD_WORDS[mood]}, so nothing is done; to ask for it, say it as an order.` };
  return { ...reading, confidence: Math.min(reading.confidence, 0.45), problem: `Read as ${MOOD_WORDS[mood]}, so nothing is done; to ${preview.charAt(0).toLowerCase()}${preview.slice(1)}, say it as an order.` };
}

function alternativeOf(reading: Reading, now: number): Alternative[] {
  const intent: Intent = reading.command.intent;
  if (reading.suggestions && reading.suggestions.length > 0) {
    return reading.suggestions.map((name) => ({ intent, text: `${reading.problem ?? ''} Did you mean ${name}?`.trim(), confidence: round(reading.confidence) }));
  }
  const text = reading.problem ? `${reading.problem}` : previewOf(reading.command, now);
  const example = intent === 'unknown' ? undefined : EXAMPLES[intent][0];
  return [{ intent, text: reading.problem && example && !reading.problem.includes('e.g.') ? `${text} (e.g. "${example}")` : text, confidence: round(reading.confidence) }];
}

/**
 * Parses one chat line into an intent with its slots. Pure and deterministic: the same
 * text, inventory and clock give the same answer. Every rule reads the line; the best
 * reading wins if it is sure enough and not tied, otherwise the answer is `unknown` with
 * the readings as "did you mean" alternatives.
 */
export function parseCommand(typed: string, index: InventoryIndex, ref: TimeReference): ParseResult {
  // ("ack １２", "‏ack 12", "don’t ack 12": other keyboards' digits, marks and quotes are read as the ASCII they stand for.)
  const text = typedPlainly(typed);
  // "> ack 12", "bob wrote:⏎> restart nginx on web-1⏎thoughts?": a line quoted (Slack's "> ") is someone's words, not the asker's.
  const unquoted = withoutQuotedLines(text.slice(0, MAX_TEXT_LENGTH));
  if (unquoted !== null) return unquoted.rest === '' ? quotedOnly(unquoted.quoted, index, ref) : parseCommand(unquoted.rest, index, ref);
  // ("[FIRING:1] NodeDown (web-2 critical)⏎ack 12": a notification pasted before the order is read as a quote is.)
  const pasted = withoutPastedNotification(text.slice(0, MAX_TEXT_LENGTH));
  if (pasted !== null) return pasted.rest === '' ? quotedOnly(pasted.pasted, index, ref) : parseCommand(pasted.rest, index, ref);
  const plain = lengthWordsRead(ticketIdsRead(zoneNamesRead(withoutMarkup(listItemsRead(text.slice(0, MAX_TEXT_LENGTH).trim())), ref.now)));
  const clipped = foreignVerbFirst(selfCorrectionRead(politeGerundsSaid(timeToSaid(askedForSaid(spokenIdsSaid(reactionsRead(plain)))))));
  // (":white_check_mark: 12": a reaction and an id, asked about.)
  const reacted = reactionWithIdAnswer(clipped);
  if (reacted) return reacted;
  // ("should we page bob about 7?", "is it worth silencing web-1?": whether to act, asked; the order is offered, never done.)
  const weighed = deliberatedOrder(clipped);
  const deliberated = weighed === null ? null : deliberationAnswer(weighed, index, ref);
  if (deliberated) return deliberated;
  const spelt = correctSpelling(lightVerbsRead(mergePhrasalVerbs(foreignWordsRead(tokenize(clipped)))), index);
  const tokens = idsInWords(spelt.tokens);
  const { corrected } = spelt;
  const impossible = impossibleIdAnswer(tokens) ?? watchRequestAnswer(tokens);
  if (impossible) return impossible;
  // "this ack was wrong, unack 12": what comes before the order says why; the order is read alone.
  const orderAt = orderAfterContext(tokens);
  if (orderAt !== null) {
    const order = parseCommand(clipped.slice(tokens[orderAt]!.start), index, ref);
    if (order.intent === 'unknown') return order;
    // ("web-1 down, restart nginx": the host is said in the context only; read alone, the order planned nginx's restart on
    // no host. Asked, with the host said where the order can read it.)
    const context = namedTargets(tokens.slice(0, orderAt), index);
    const left = context.length > 0 && namedTargets(tokens.slice(orderAt), index).length === 0 ? leftOutTargets(order, context) : [];
    if (left.length > 0) return hostInContextOnly(order, left, clipped.slice(tokens[orderAt]!.start));
    return { ...order, confidence: round(order.confidence * CONTEXT_FACTOR) };
  }
  const line: Line = { text: clipped, tokens, index, ref };
  // "acked 12", "restarted nginx on web-1": what was done is reported, never done again.
  const reported = reportedOrder(line);
  if (reported) return reported;
  const read = twoCommands(line) ?? parseLine(line);
  const result = orderInComment(line, read) ?? read;
  // A word read as another ("incdient") makes the reading a little less sure, as a verb's typo does.
  return corrected === 0 || result.intent === 'unknown' ? result : { ...result, confidence: round(result.confidence * TYPO_FACTOR ** corrected) };
}


/** The answer to a question of whether to do `order`: its reading when it only reads, else what it would do, offered. */
function deliberationAnswer(order: string, index: InventoryIndex, ref: TimeReference): ParseResult | null {
  const read = parseCommand(order, index, ref);
  if (read.intent !== 'unknown' && !STATE_CHANGING.has(read.intent)) return read;
  // (Nothing read: the line is read as said, by the rules' own questions.)
  if (read.intent === 'unknown' && read.alternatives.length === 0) return null;
  const confidence = round(Math.min(read.confidence, 0.45));
  if (read.intent === 'unknown') return { ...read, confidence, preview: `Read as a question of whether to do it, so nothing is done. ${read.preview}` };
  const text = `Read as a question of whether to do it, so nothing is done; to ${read.preview.charAt(0).toLowerCase()}${read.preview.slice(1)}, say it as an order: "${order}".`;
  return { intent: 'unknown', slots: {}, confidence, requiredPermission: null, preview: text, alternatives: [{ intent: read.intent, text, confidence }] };
}

/** The lines of a message quoted with Slack's "> " and the rest, or null when none is quoted. */
function withoutQuotedLines(text: string): { quoted: string; rest: string } | null {
  const lines = text.split('\n');
  const quoted = lines.filter((l) => /^\s*>/.test(l));
  if (quoted.length === 0) return null;
  // ("bob wrote:": what introduces the quote says nothing of its own.)
  const rest = lines.filter((l) => !/^\s*>/.test(l) && !/^\s*\S+(?:\s+\S+)?\s+(?:wrote|said|says|asked)\s*:?\s*$/i.test(l)).join('\n').trim();
  return { quoted: quoted.map((l) => l.replace(/^\s*>+\s?/, '')).join('\n').trim(), rest };
}

/** A message that is only a quote ("> ack 12"): what it asks is read, and done only if it changes nothing. */
function quotedOnly(quoted: string, index: InventoryIndex, ref: TimeReference): ParseResult {
  const read = parseCommand(quoted, index, ref);
  if (!STATE_CHANGING.has(read.intent)) return read;
  const text = `Read as ${MOOD_WORDS.quoted} ("> …"), so nothing is done; to ${read.preview.charAt(0).toLowerCase()}${read.preview.slice(1)}, say it as an order, without the "> ".`;
  const confidence = round(Math.min(read.confidence, 0.45));
  return { intent: 'unknown', slots: {}, confidence, requiredPermission: null, preview: text, alternatives: [{ intent: read.intent, text, confidence }] };
}

/**
 * "acked 12", "restarted nginx on web-1", "silenced web-1 for an hour": a line led by an order's
 * verb in the past reports what was done. Answered `unknown` with the order it would be, said
 * as one ("ack 12"), when that order changes something; null otherwise (the line is read as it is).
 */
function reportedOrder(line: Line): ParseResult | null {
  const found = reportedOrderAt(line.tokens);
  if (!found) return null;
  const verb = line.tokens[found.at]!;
  // ("acked 12 and silenced web-1": the order is the first report's; what else was done is not part of it.)
  const also = line.tokens.findIndex((t, i) => i > found.at && (JOINED_REPORT.has(t.norm) || /[,;.]$/.test(line.tokens[i - 1]!.raw)) && reportedOrderAt(line.tokens.slice(JOINED_REPORT.has(t.norm) ? i + 1 : i)) !== null);
  const rest = line.text.slice(verb.end, also === -1 ? undefined : line.tokens[also]!.start).trim().replace(/[,;.]$/, '');
  const order = `${found.base}${rest === '' ? '' : ` ${rest}`}`;
  const asOrder = parseCommand(order, line.index, line.ref);
  // ("I resolved incident 7": said with who did it, a reading that only reads the same thing, the incident,
  // answers it, as for any report; "I acked #12" is not incident 12's.)
  const asSaid = found.at > 0 ? twoCommands(line) ?? parseLine(line) : null;
  if (asSaid && asSaid.intent !== 'unknown' && !STATE_CHANGING.has(asSaid.intent) && sameIds(asSaid.slots, asOrder.slots)) return null;
  const changing = STATE_CHANGING.has(asOrder.intent) ? asOrder : null;
  const alternative = changing ? null : asOrder.alternatives.find((a) => STATE_CHANGING.has(a.intent));
  if (!changing && !alternative) return null;
  const intent = changing ? changing.intent : alternative!.intent;
  const said = verb.raw.replace(/[.,;:!?]+$/, '');
  // ("acknowledged.": the order alone names nothing; an example says what it needs.)
  const example = intent === 'unknown' ? order : EXAMPLES[intent][0] ?? order;
  const text = changing
    ? `Read as a report of what was done ("${said}"), so nothing is done; to ${changing.preview.charAt(0).toLowerCase()}${changing.preview.slice(1)}, say it as an order: "${order}".`
    : `Read as a report of what was done ("${said}"), so nothing is done; to ask for it, say it as an order with what it is about, e.g. "${example}".`;
  const confidence = round(Math.min(changing ? changing.confidence : alternative!.confidence, 0.45));
  return { intent: 'unknown', slots: {}, confidence, requiredPermission: null, preview: text, alternatives: [{ intent, text, confidence }] };
}

/** Does a reading name the same alert or incident as another ("I resolved incident 7" shows incident 7, the one resolved)? */
function sameIds(read: object, order: object): boolean {
  const a = read as Record<string, unknown>;
  const b = order as Record<string, unknown>;
  return ['incidentId', 'alertId'].every((key) => a[key] === undefined || a[key] === b[key]);
}

/** "web-1 down, restart nginx": the order names no target, the context before it does; the order is asked with it. */
function hostInContextOnly(order: ParseResult, left: readonly string[], orderText: string): ParseResult {
  const text = `The order names no target and ${left.join(' and ')} is said only before it: say it in the order, e.g. "${orderText.replace(/[.!]+$/, '')} on ${left[0]}".`;
  const confidence = round(Math.min(order.confidence, 0.45));
  return { intent: 'unknown', slots: {}, confidence, requiredPermission: null, preview: text, alternatives: [{ intent: order.intent, text: `${text} Read alone: ${order.preview}.`, confidence }] };
}

/**
 * "ack 12 restart nginx": an order's comment that reads as an order of its own, with no marker before it, is asked about
 * (a second command without its "and", or a plan written as the comment?); read as the comment, the restart was dropped.
 */
function orderInComment(line: Line, read: ParseResult): ParseResult | null {
  if (!STATE_CHANGING.has(read.intent) || !('comment' in read.slots) || typeof read.slots.comment !== 'string') return null;
  const at = unmarkedOrderAt(line.text, line.tokens, read.slots.comment);
  if (at === null) return null;
  const firstText = line.text.slice(0, line.tokens[at]!.start).trim();
  const rest = line.text.slice(line.tokens[at]!.start).trim();
  const second = parseCommand(rest, line.index, line.ref);
  if (!STATE_CHANGING.has(second.intent)) return null;
  const first = parseCommand(firstText, line.index, line.ref);
  const text = `"${rest}" reads as a command of its own: to do both, send them one at a time, e.g. "${firstText}", then "${rest}"; to keep it as the comment, say it after a dash: "${firstText} - ${rest}".`;
  const confidence = round(Math.min(read.confidence, 0.5));
  const alternatives = [first, second].filter((r) => r.intent !== 'unknown').map((r) => ({ intent: r.intent, text: `${text} ${r.preview}.`, confidence }));
  return { intent: 'unknown', slots: {}, confidence, requiredPermission: null, preview: text, alternatives };
}

/** "ack 12 and restart nginx on web-1": the first command read alone, the line answered with a request to send them one at a time. */
function twoCommands(line: Line): ParseResult | null {
  const split = secondCommandAt(line.tokens);
  if (split === null) return null;
  const { at } = split;
  const firstText = line.text.slice(0, line.tokens[at]!.start).replace(/[\s;,.]+$/, '');
  const rest = restOf(line.text, line.tokens, split.next);
  const first = parseLine({ ...line, text: firstText, tokens: line.tokens.slice(0, at) });
  if (first.intent === 'unknown') return sharedObject(line, at, split.next, rest);
  // "ack 12 and silence it for 1h": "it" means nothing on a line of its own.
  const pronoun = /\b(it|this|that|them|those|these)\b/i.test(rest) ? ' (saying what it is about)' : '';
  const text = `That is two commands; send them one at a time, e.g. "${firstText}", then "${rest}"${pronoun}.`;
  return {
    intent: 'unknown',
    slots: {},
    confidence: round(Math.min(first.confidence, 0.5)),
    requiredPermission: null,
    preview: text,
    alternatives: [{ intent: first.intent, text: `${text} First: ${first.preview}.`, confidence: round(Math.min(first.confidence, 0.5)) }],
  };
}

/**
 * "ack and resolve 7", "ack & close 7": two verbs said of one object. Read as the second's alone, the first was dropped
 * (or read as the first's, "ack 7", the second): two commands, asked for one at a time. Null when the first clause is more
 * than one verb (its own words then say what it is).
 */
function sharedObject(line: Line, at: number, next: number, rest: string): ParseResult | null {
  const verb = line.tokens[0];
  if (at !== 1 || !verb || !STATE_CHANGING.has(parseLine({ ...line, text: `${verb.raw} ${rest}`, tokens: [verb, ...line.tokens.slice(next + 1)] }).intent)) return null;
  const object = restOf(line.text, line.tokens, next + 1);
  const second = parseLine({ ...line, text: rest, tokens: line.tokens.slice(next) });
  const text = `That is two commands; send them one at a time, e.g. "${verb.raw} ${object}", then "${rest}".`;
  const confidence = round(Math.min(second.confidence, 0.5));
  return { intent: 'unknown', slots: {}, confidence, requiredPermission: null, preview: text, alternatives: second.intent === 'unknown' ? [] : [{ intent: second.intent, text, confidence }] };
}

function parseLine(line: Line): ParseResult {
  const { index, ref } = line;
  const readings: Reading[] = [];
  const mood = moodOf(line.tokens);
  for (const rule of RULES) {
    const reading = rule(line);
    if (!reading) continue;
    // A question, a negation or a report never changes anything: its orders become "did you mean".
    // (A note is itself a report: "note on 7: rollback complete" is written as said.)
    // ("update on 7: waiting for vendor": a note's text is its own words, and says nothing of whether the note is asked
    // for; read with its text the line was a "do not" ("waiting") and the note never written.)
    const said = reading.command.intent === 'incident.note' ? moodBeforeText(line.tokens) ?? mood : mood;
    const ordered = said === 'order' || ((said === 'report' || said === 'intention') && reading.command.intent === 'incident.note');
    if (!ordered && STATE_CHANGING.has(reading.command.intent)) readings.push(notAnOrder(reading, said as Exclude<Mood, 'order'>, ref.now, line));
    else readings.push(reading);
  }
  readings.sort((a, b) => b.confidence - a.confidence);
  const [best, second] = readings;
  const tied = best && second && second.command.intent !== best.command.intent && best.confidence - second.confidence < TIE_MARGIN;
  // "ack all except 12", "silence everything except db-1": read as named, an exclusion is its opposite.
  const excluded = best && !best.problem && best.command.intent !== 'help' && best.command.intent !== 'incident.note' ? exclusionOf(line.tokens) : null;
  // ("ack 12 everything except disk is fine": the comment's words are the user's own.)
  const comment = best && 'comment' in best.command.slots ? String(best.command.slots.comment ?? '') : '';
  if (best && excluded && !comment.includes(excluded)) {
    best.problem = `Chat does not read exclusions ("${excluded} …"), and read as said this would be "${previewOf(best.command, ref.now)}": name what you mean instead, e.g. each target or alert in turn.`;
    best.confidence = Math.min(best.confidence, 0.5);
  }
  // "ack 12 later", "resolve 7 tomorrow": an order put off is not done now (runs and silences say so in their own rules).
  const deferred = best && !best.problem && DEFERRABLE.has(best.command.intent) ? deferralOf(line.tokens) : null;
  // (Only right after the order: "ack 12 investigating, update at 3pm" has a comment that says when.)
  // (A cancel's reason is its comment: "cancel run 12 - will retry tomorrow".)
  const slotsSaid = best?.command.slots as { comment?: string; reason?: string } | undefined;
  const said = String(slotsSaid?.comment ?? slotsSaid?.reason ?? '');
  if (best && deferred && (said === '' || said.toLowerCase().startsWith(deferred.split(' ')[0]!.toLowerCase()))) {
    best.problem = `Chat does this at once, not at a time said ("${deferred}"): ask again when it should be done, e.g. "${EXAMPLES[best.command.intent as keyof typeof EXAMPLES][0] ?? ''}".`;
    best.confidence = Math.min(best.confidence, 0.45);
  }
  // "flush cache on cache-1 and cache-2" with cache-2 unknown: a run or an ack read without it would be done in part.
  const unknownHost = best && !best.problem && HOST_ORDERS.has(best.command.intent) ? unknownHostLike(line.tokens, index) : null;
  if (best && unknownHost) {
    best.problem = `No target named "${unknownHost}".`;
    best.suggestions = index.suggestTargets(unknownHost);
    best.confidence = Math.min(best.confidence, 0.45);
  }
  // "restart nginx on web-1 in staging": a run goes to the target named, in whatever environment it is; read without the
  // environment it was planned on web-1 at 0.8, the word dropped.
  // ("ack all alerts on web-1 in staging" the same: an ack by target; an ack by id names its alert, its comment is its own.)
  const byTarget = best?.command.intent === 'alert.ack' && 'target' in best.command.slots;
  const environment = best && !best.problem && (best.command.intent === 'runbook.run' || byTarget) ? environmentSaid(line.tokens, index) : null;
  if (best && environment) {
    const at = line.tokens.indexOf(environment);
    const from = ['in', 'on', 'at', 'across', 'for'].includes(line.tokens[at - 1]?.norm ?? '') ? line.tokens[at - 1]!.start : environment.start;
    const without = `${line.text.slice(0, from)}${line.text.slice(environment.end)}`.replace(/\s+/g, ' ').trim();
    best.problem = `"${environment.raw}" names an environment, which chat does not read: it acts on the host named, whatever its environment. To act there, say it without the environment: "${without}".`;
    best.confidence = Math.min(best.confidence, 0.45);
  }
  // "restart nginx on web-*", "cpu on db-*": a pattern of targets is read by a silence alone; the others dropped it.
  // ("silence web-{1,2} for 1h", "ack all alerts on web-{1,2}": a brace is read by none, not even a silence; they silenced
  // web-1 alone, acknowledged alert 2.)
  const found = best && !best.problem && best.command.intent !== 'help' && best.command.intent !== 'incident.note' ? targetPattern(line.tokens, index) : null;
  const pattern = found && (found.brace || PATTERN_DROPPED.has(best!.command.intent)) ? found : null;
  if (best && pattern) {
    const [first, ...others] = pattern.matches;
    best.problem = first === undefined
      ? `No target matches "${pattern.pattern}".`
      : `A pattern of targets ("${pattern.pattern}": ${pattern.matches.slice(0, 4).join(', ')}${pattern.matches.length > 4 ? ', …' : ''}) is ${pattern.brace ? 'not read' : 'read only by a silence ("silence web-* for 1h")'}: ask about one target at a time, e.g. the same on ${first}${others.length > 0 ? `, then on ${others[0]}` : ''}.`;
    best.confidence = Math.min(best.confidence, 0.45);
  }
  // A reading that would leave out a target the line names ("restart nginx on web-1 and web-2") is not done in part.
  const named = best && !best.problem ? namedTargets(line.tokens, index) : [];
  const leftOut = best && named.length > 0 ? leftOutTargets(best.command, named) : [];
  if (best && leftOut.length > 0) {
    const used = named.filter((name) => !leftOut.includes(name));
    const each = [...used.slice(0, 1), ...leftOut].map((name) => `for ${name}`).join(', then ');
    const hostless = best.command.intent === 'runbook.run' ? hostlessRunbook(best.command.slots.runbook, index) : null;
    best.problem = used.length === 0 && hostless ? noPlaceForTarget(hostless, leftOut) : `"${previewOf(best.command, ref.now)}" would leave out ${leftOut.join(' and ')}: ask about one target at a time (e.g. the same ${each}).`;
    best.confidence = Math.min(best.confidence, 0.5);
  }
  if (best && !best.problem && best.confidence >= PARSE_THRESHOLD && !tied) {
    const alternatives = readings.slice(1).filter((r) => r.command.intent !== best.command.intent && r.confidence >= 0.3).flatMap((r) => alternativeOf(r, ref.now));
    return {
      ...best.command,
      confidence: round(best.confidence),
      requiredPermission: permissionFor(best.command),
      preview: previewOf(best.command, ref.now),
      alternatives: alternatives.slice(0, 3),
    } as ParseResult;
  }
  const alternatives = readings.filter((r) => r.confidence >= 0.3).flatMap((r) => alternativeOf(r, ref.now)).slice(0, 4);
  return {
    intent: 'unknown',
    slots: {},
    confidence: round(best?.confidence ?? 0),
    requiredPermission: null,
    preview: mood === 'conditional' && alternatives.length === 0 ? CONDITION_NOT_READ : unknownPreview(best, alternatives),
    alternatives,
  };
}

/** The mood of what is said before a note's text (its colon or dash), or null when the line has neither. */
function moodBeforeText(tokens: readonly Token[]): Mood | null {
  const colon = tokens.findIndex((t) => t.colon);
  const dash = tokens.findIndex((t) => ['-', '--', '—', '–'].includes(t.norm));
  const ends = [colon === -1 ? -1 : colon + 1, dash].filter((at) => at > 0);
  return ends.length === 0 ? null : moodOf(tokens.slice(0, Math.min(...ends)));
}

/** "if web-1 is still down, restart nginx on web-1" with nothing read: why nothing is done. */
const CONDITION_NOT_READ = 'Read as a condition ("if …", "when …"), so nothing is done: chat does what is asked at once, never when something happens; send the order alone when it should be done.';

/**
 * What an `unknown` answer says first: the problem of the best reading when it has one (a
 * target that is not there, a target or metric it would leave out), stated as it is; a
 * guess otherwise.
 */
function unknownPreview(best: Reading | undefined, alternatives: readonly Alternative[]): string {
  const first = alternatives[0];
  if (!first) return 'Not understood; type "help" for what you can ask.';
  return best?.problem && first.intent === best.command.intent ? first.text : `Not sure what you mean: ${first.text}`;
}

/** The runbook, when it is known and none of its parameters takes a host ("failover-db" takes a cluster). */
function hostlessRunbook(runbookId: string, index: InventoryIndex): InventoryRunbook | null {
  const runbook = index.inventory.runbooks.find((r) => r.id === runbookId);
  return runbook && !runbook.params.some((p) => HOST_PARAMS.includes(p)) ? runbook : null;
}

/** "failover db-1": the target said has no place in the run; say what the runbook takes. */
function noPlaceForTarget(runbook: InventoryRunbook, targets: readonly string[]): string {
  const takes = runbook.params.length > 0 ? `; it takes ${runbook.params.join(', ')}, e.g. "run ${runbook.id} ${runbook.params.map((p) => `${p}=…`).join(' ')}"` : '';
  return `Runbook ${runbook.id} does not act on a host, so ${targets.join(' and ')} would have no place in its run${takes}.`;
}

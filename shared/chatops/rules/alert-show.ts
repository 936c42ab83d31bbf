import { FILLER, is } from '../lexicon.ts';
import { idOf } from '../tokens.ts';
import { idAfter, isAlertNoun, isIncidentNoun, leftoverFactor, type Line, moreIds, type Rule } from './kit.ts';
import { ledByStateOrder } from './orders.ts';

/** Words around a question about one alert ("who acked alert 12", "when did alert 12 start"), read as nothing more. */
const ALERT_QUESTION_WORDS = new Set(['has', 'been', 'was', 'anyone', 'anybody', 'already', 'yet', "ack'd", 'ackd', 'muted', 'snoozed', 'show', 'details', 'detail', 'info', 'about', 'status', 'state', 'who', 'acked', 'acknowledged', 'when', 'start', 'started', 'fire', 'fired', 'firing', 'tell', 'give', 'where', 'which', 'why', 'still', 'silenced', 'whose', 'owns', 'happened']);

/**
 * What only an alert is ("acked", "firing"): a question of it about a bare number is about alert that number. (Not the
 * verb itself: "did anyone ack 12", "anyone want to ack 12?" ask about doing it, not how it stands.)
 */
const ALERT_STATES = new Set(['acked', 'ackd', "ack'd", 'acknowledged', 'unacked', 'unacknowledged', 'firing', 'silenced', 'muted', 'snoozed']);
/** How a question starts ("is 12 acked", "who acked 12", "has anyone acked 12", "why is 12 firing"). */
const QUESTION_LEADS = new Set(['is', 'was', 'has', 'have', 'had', 'did', 'does', 'who', "who's", 'whos', 'when', 'why', 'whose', "isn't", 'isnt', "hasn't", 'hasnt', 'anyone', 'anybody']);

/**
 * "is 12 acked?", "who acked 12", "has 12 been acked", "why is 12 firing": a question of an alert's state about a bare
 * number, which only an alert has; the alert it names (they answered nothing, or showed incident 12).
 */
function bareAlertQuestion(tokens: Line['tokens']): { id: number; at: number; noun: null } | null {
  if (!QUESTION_LEADS.has(tokens[0]?.norm ?? '') || !tokens.some((t) => ALERT_STATES.has(t.norm)) || tokens.some((t) => isIncidentNoun(t.norm))) return null;
  const ids = tokens.flatMap((t, at) => (idOf(t) === null ? [] : [{ id: idOf(t)!, at, noun: null }]));
  return ids.length === 1 ? ids[0]! : null;
}

/** "alert 12", "show alert #12", "who acked alert 12", "is 12 acked": one alert, named with its noun or by what only an alert is. */
export const alertShowRule: Rule = (line) => {
  const { tokens } = line;
  if (ledByStateOrder(tokens)) return null;
  const ref = idAfter(tokens, new Set(), isAlertNoun) ?? bareAlertQuestion(tokens);
  if (!ref) return null;
  const taken = new Set<number>([ref.at]);
  if (ref.noun !== null) taken.add(ref.noun);
  // "alerts 12 and 13": one at a time.
  const more = moreIds(tokens, ref.at);
  if (more) return { command: { intent: 'alert.show', slots: { alertId: ref.id } }, confidence: 0.45, problem: `One alert at a time, e.g. ${[ref.id, ...more.ids].map((id) => `"alert ${id}"`).join(', then ')}.` };
  tokens.forEach((t, i) => (ALERT_QUESTION_WORDS.has(t.norm) || is(t.norm, 'show') || FILLER.has(t.norm) ? taken.add(i) : undefined));
  return { command: { intent: 'alert.show', slots: { alertId: ref.id } }, confidence: leftoverFactor(tokens, taken) };
};

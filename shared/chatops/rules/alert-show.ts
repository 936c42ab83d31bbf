import { FILLER, is } from '../lexicon.ts';
import { idAfter, isAlertNoun, leftoverFactor, moreIds, type Rule } from './kit.ts';
import { ledByStateOrder } from './orders.ts';

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

import { verbOf } from '../lexicon.ts';
import { commentFrom, firstId, idAfter, isAlertNoun, isIncidentNoun, moreIds, type Rule } from './kit.ts';
import { politeLeadEnd, UNACK_VERBS, UNDO_WORDS } from './orders.ts';

const ACK_NOUNS = new Set(['ack', 'acks', 'acknowledgement', 'acknowledgment', 'acknowledgements', 'acknowledgments']);

/** "unack 12 acked by mistake": the alert fires again; one alert at a time. */
export const unackRule: Rule = (line) => {
  const { tokens } = line;
  // ("can you unack 12", "could u pls unack 12": manners before the verb; only "please" was read, and the line was not understood.)
  const lead = politeLeadEnd(tokens);
  const split = tokens[lead]?.norm === 'un' && verbOf(tokens[lead + 1]?.norm, 'ack') === 1;
  // "undo the ack on 12", "revert the acknowledgement of alert 12": the acknowledgement taken back.
  const undone = UNDO_WORDS.has(tokens[lead]?.norm ?? '') ? tokens.findIndex((t, i) => i > lead && i <= lead + 2 && ACK_NOUNS.has(t.norm)) : -1;
  if (!UNACK_VERBS.has(tokens[lead]?.norm ?? '') && !split && undone === -1) return null;
  const verbAt = undone !== -1 ? undone : split ? lead + 1 : lead;
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

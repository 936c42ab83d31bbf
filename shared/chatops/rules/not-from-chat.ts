import { is, KNOWN_FORMS } from '../lexicon.ts';
import { idOf } from '../tokens.ts';
import { firstId, idAfter, isAlertNoun, isIncidentNoun, type Reading, type Rule } from './kit.ts';
import { APPROVAL_VERBS, incidentEditAsked } from './orders.ts';

/** Where each edit is made instead; the parser adds chat's own example for the incident ("incident 7"). */
const NOT_FROM_CHAT: Readonly<Record<NonNullable<ReturnType<typeof incidentEditAsked>>, (id: number) => string>> = {
  title: () => 'Chat does not rename incidents: the title is changed on the incident\'s page in the console; chat shows the incident',
  merge: () => 'Incidents are merged on the incident\'s page in the console, where the incidents to fold in are chosen; chat shows the incident',
  split: () => 'Incidents are split on the incident\'s page in the console, where the alerts to move are chosen; chat shows the incident',
  escalate: (id) => `Chat pages no one: take command of the incident, e.g. "I'll take incident ${id}", or hand it over: "assign incident ${id} to alice".`,
  severity: () => 'An incident\'s severity is raised by its alerts, not set by hand; chat shows the incident',
};

/** Verbs that get a person's attention ("page bob", "notify the dba"). */
const PAGING_VERBS = new Set(['page', 'notify', 'call', 'wake', 'escalate']);
/** Words after those verbs that are no one paged ("page on web-1", "notify me when …" is asked as a condition). */
const NOT_A_PERSON = new Set(['on', 'for', 'in', 'from', 'of', 'about', 'me', 'us', 'when', 'if', 'out', 'off', 'all', 'every', 'any']);

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
  // ("page bob", "page the dba for 7", "notify @alice about 7": someone paged, which chat does not do; it listed the alerts,
  // "page" read as their noun.)
  const paged = tokens[1];
  if (PAGING_VERBS.has(lead) && paged && (paged.norm === 'the' || /^@[\w.-]+$/.test(paged.norm) || /^[a-z][a-z.-]*$/.test(paged.norm)) && !NOT_A_PERSON.has(paged.norm) && (paged.norm === 'the' || !KNOWN_FORMS.has(paged.norm)) && !isAlertNoun(paged.norm) && !isIncidentNoun(paged.norm) && line.index.target(paged.norm, false).length === 0) {
    const ref = idAfter(tokens, new Set(), isIncidentNoun) ?? firstId(tokens, new Set());
    // (Sure enough to be the answer: the alerts' noun reading ("page" = an alert) would otherwise win.)
    return { command: { intent: 'incident.show', slots: { incidentId: ref?.id ?? 0 } }, confidence: 0.9, problem: NOT_FROM_CHAT.escalate(ref?.id ?? 7) };
  }
  // ("approve the restart", "deny that rollback": a run's approval, by what it does; it was not understood.)
  const approving = ['approve', 'deny', 'reject', 'decline'].includes(lead) && tokens.length > 1 && ['the', 'that', 'this', 'it', 'my', 'bob\'s'].includes(tokens[1]!.norm);
  const aboutRuns = approving || tokens.some((t) => ['approval', 'approvals'].includes(t.norm)) || (tokens.some((t) => ['run', 'runs'].includes(t.norm)) && (APPROVAL_VERBS.has(lead) || lead === 'cancel' || tokens.some((t) => idOf(t) !== null) || is(tokens[0]?.norm, 'runbook')));
  if (!aboutRuns || (tokens.length > 0 && lead === 'run' && !tokens.some((t) => idOf(t) !== null))) return null;
  const reading: Reading = { command: { intent: 'runbooks.list', slots: {} }, confidence: 0.45, problem: 'Runbook runs are approved, denied and followed on the Approvals page of the console; from chat a run is planned and its approval asked for, e.g. "restart nginx on web-1".' };
  return reading;
};

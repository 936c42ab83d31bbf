import type { IncidentStatusSlots } from '../intents.ts';
import { ALL_WORDS, is } from '../lexicon.ts';
import { idOf } from '../tokens.ts';
import { commentFrom, firstId, freeTextFrom, idAfter, isAlertNoun, isIncidentNoun, leftoverFactor, moreIds, type Rule } from './kit.ts';
import { wordTable } from '../word-table.ts';
import { greetsOrMentions } from '../mood.ts';
import { politeLeadEnd } from './orders.ts';

/** Verbs and states of an incident's status, as said: "resolve", "close", "mitigate", "reopen". */
const STATUS_VERBS: Readonly<Record<string, IncidentStatusSlots['status']>> = wordTable({
  resolve: 'resolved', close: 'resolved', closed: 'resolved', resolved: 'resolved', fixed: 'resolved',
  mitigate: 'mitigated', mitigated: 'mitigated', contain: 'mitigated', contained: 'mitigated',
  reopen: 'open', 'reopened': 'open', 're-open': 'open', unresolve: 'open',
});

/** Words that deny the status after them ("not resolved", "isn't fixed", "never mitigated"). */
const NEGATORS = new Set(['not', 'never', "isn't", 'isnt', "wasn't", 'wasnt', "aren't", 'un', 'nor']);
/** What links a bare number to the state said of it ("7 is resolved", "7 has been mitigated", "7 now fixed"). */
const NEWS_LINKS = new Set(['is', "'s", 'was', 'has', 'have', 'been', 'now', 'just', 'finally', 'all', 'got', 'gets', 'being']);
/** What leads news without being its subject ("fyi 7 is resolved", "btw 7 is fixed", "update: 7 is mitigated"). */
const NEWS_LEADS = new Set(['fyi', 'btw', 'fwiw', 'update', 'ok', 'okay', 'so', 'also', 'good', 'news', 'great']);
/** States said first that report what was done ("fixed 7"); the other participles are read as reports by the parser. */
const REPORTED_FIRST = new Set(['fixed', 'contained']);

/** Verbs that set a status said after "to" or "as" ("set 7 to resolved", "update 7 to resolved", "move #7 to mitigated"). */
const SETTERS = new Set(['set', 'mark', 'change', 'move', 'update', 'switch', 'flip', 'put', 'make', 'transition', 'bump']);

/** The manners an order may open with: "can we …", "could you please …", "pls …". */
// ("i'll resolve 7": the speaker's plan is read so its mood can ask about it; it was not understood.)
const POLITE_LEAD = new Set(['can', 'could', 'would', 'will', 'you', 'u', 'we', 'please', 'pls', 'plz', 'kindly', "i'll", 'ill', "we'll"]);

/**
 * "resolve incident 7 fixed by rollback", "close inc 7", "mark 7 as mitigated",
 * "incident 7 is resolved", "reopen #7". Alerts are not resolved from chat (their source
 * resolves them): "resolve alert 12" says so and offers what can be done.
 */
export const incidentStatusRule: Rule = (line) => {
  const { tokens } = line;
  let at = tokens.findIndex((t, i) => i < 6 && STATUS_VERBS[t.norm] !== undefined);
  // ("can you mark 7 mitigated", "please set incident 7 to resolved": the setter after the manners an order opens with leads it
  // as it does first; they were not understood.)
  const orderAt = politeLeadEnd(tokens);
  const first = tokens[orderAt]?.norm ?? '';
  // "set incident 7 status to open", "mark 7 as open": "open" is a status only when set. ("set status of inc 7 to mitigated":
  // a status set after "to" is one however far the setter said it; it showed incident 7, the status dropped.)
  if (at === -1 && SETTERS.has(first)) at = tokens.findIndex((t, i) => (t.norm === 'open' || STATUS_VERBS[t.norm] !== undefined) && ['to', 'as', 'into'].includes(tokens[i - 1]?.norm ?? ''));
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
  // "mark 7 as not resolved", "incident 7 isn't fixed": a status denied names none to set (it was read as the one denied).
  // (Said of the incident: its id or noun first, or "mark"/"set"; "if it's not fixed by 3pm, resolve 7" is a condition.)
  // ("update 7 to resolved", "change #7 to mitigated", "move 7 to resolved": a verb that sets what follows "to" or "as".)
  const setter = SETTERS.has(first) && ['to', 'as', 'into'].includes(tokens[at - 1]?.norm ?? '');
  const ofIncident = ['mark', 'set'].includes(first) || setter || tokens.slice(0, at).some((t) => isIncidentNoun(t.norm) || idOf(t) !== null);
  if (ofIncident && (NEGATORS.has(tokens[at - 1]?.norm ?? '') || (tokens[at - 2]?.norm === 'no' && tokens[at - 1]?.norm === 'longer'))) {
    return { command: { intent: 'incident.status', slots: { incidentId: 0, status } }, confidence: 0.45, problem: `"${tokens.slice(at - 1, at + 1).map((t) => t.raw).join(' ')}" names no status to set: say the one meant, e.g. "reopen incident 7" or "mark incident 7 as mitigated".` };
  }
  const taken = new Set<number>([at]);
  tokens.forEach((t, i) => {
    if (['mark', 'set', 'as', 'is', 'now', 'to', 'the', 'it', 'please', 'status', 'has', 'been'].includes(t.norm)) taken.add(i);
  });
  if (setter) taken.add(orderAt);
  const alertRef = idAfter(tokens, taken, isAlertNoun);
  if (alertRef) {
    return {
      command: { intent: 'alert.ack', slots: { alertId: alertRef.id } },
      confidence: 0.45,
      problem: `Alerts resolve by themselves when their source stops firing: acknowledge alert ${alertRef.id} ("ack ${alertRef.id}") or silence it ("silence ${alertRef.id} for 1h").`,
    };
  }
  // ("#7 mitigated": an id written with "#" is an incident's, as "#7" alone shows it.)
  const hashed = at === 1 && /^#\d+$/.test(tokens[0]!.norm) ? { id: idOf(tokens[0])!, at: 0, noun: null } : null;
  // ("resolve 7 - dup of incident 8": an incident named in the comment is its words, not the one to set.)
  const named = idAfter(tokens.slice(0, freeTextFrom(tokens, at)), taken, isIncidentNoun) ?? hashed;
  // A bare number only after a leading verb: "resolve 7", "mark 7 as mitigated", "close #7".
  // (Manners before it too: "can we resolve 7", "could you please close #7".)
  const leading = at === 0 || (at === 1 && ['mark', 'set', 'please'].includes(tokens[0]!.norm)) || ['mark', 'set'].includes(first) || setter || tokens.slice(0, at).every((t) => POLITE_LEAD.has(t.norm) || greetsOrMentions(t.norm))
    // (Or after a clause of its own: "it's back, reopen 7", "ok, close #7".)
    || (at > 0 && /[,;]$/.test(tokens[at - 1]!.raw));
  // ("resolve 7 as a dup of incident 8": the bare id right after the verb is the one set, said before the other.)
  const bare = leading ? firstId(tokens, taken) : null;
  const id = bare && named && bare.at < ('noun' in named && named.noun !== null ? named.noun : named.at) && bare.at > at ? bare : named ?? bare;
  // "7 is resolved", "7 resolved", "12 was fixed": news of a bare number, which may be an incident or an alert (an alert
  // resolves by itself); asked as a report is, never set (it was not understood).
  // ("fyi 7 is resolved", "btw 7 is fixed": news said as news; "7's resolved": the link written onto the number. They were
  // not understood.)
  const lead = tokens.findIndex((t) => !NEWS_LEADS.has(t.norm));
  const subject = tokens[lead];
  const owned = /^(\d{1,9})'s$/.exec(subject?.norm ?? '');
  const news = !id && lead !== -1 && (owned || (idOf(subject) !== null && /^\d+$/.test(subject!.norm))) && at > lead && tokens.slice(lead + 1, at).every((t) => NEWS_LINKS.has(t.norm));
  if (news) {
    const said = tokens.slice(lead, at + 1).map((t) => t.raw).join(' ');
    const n = owned ? Number(owned[1]) : idOf(subject)!;
    return { command: { intent: 'incident.status', slots: { incidentId: n, status } }, confidence: 0.45, problem: `Read as news ("${said}"), so nothing is done${status === 'resolved' ? `; ${n} may be incident ${n} or alert ${n} (alerts resolve by themselves)` : ''}: to set incident ${n} ${status}, say "${status === 'resolved' ? 'resolve' : status === 'mitigated' ? 'mitigate' : 'reopen'} incident ${n}".` };
  }
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
  // "fixed 7", "contained 7": what was done, said first (as "resolved 7" is), reports; it sets nothing.
  if (at === 0 && REPORTED_FIRST.has(tokens[0]!.norm)) {
    return { command: { intent: 'incident.status', slots: { incidentId: id.id, status } }, confidence: 0.45, problem: `Read as a report of what was done ("${tokens[0]!.raw}"), so nothing is done; to set incident ${id.id} ${status}, say it as an order: "${status === 'resolved' ? 'resolve' : 'mitigate'} ${id.id}".` };
  }
  // What follows the id is the comment ("resolve 7 fixed by rollback", "close inc 7 - false alarm").
  const after = Math.max(id.at, at) + 1;
  const comment = commentFrom(line, after);
  for (let i = after; i < tokens.length; i++) taken.add(i);
  // A past participle after the id ("incident 7 is resolved") or a verb first ("resolve 7") read alike.
  const sure = named && id === named ? 1 : 0.9;
  const slots = comment ? { incidentId: id.id, status, comment } : { incidentId: id.id, status };
  return { command: { intent: 'incident.status', slots }, confidence: sure * leftoverFactor(tokens, taken) };
};

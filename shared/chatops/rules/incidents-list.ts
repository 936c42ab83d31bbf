import type { IncidentsListSlots, Severity } from '../intents.ts';
import { is, SEVERITY_WORDS, severitySlots } from '../lexicon.ts';
import { alertWindow, findTarget, idAfter, isIncidentNoun, leftoverFactor, type Rule, take, unreadTime, WINDOW_EXAMPLES } from './kit.ts';
import { ledByStateOrder } from './orders.ts';
import { LIST_QUESTION_WORDS } from './silences-list.ts';
import { wordTable } from '../word-table.ts';

/** Words for an incident's status, as asked: "open incidents" are the unresolved ones. */
const INCIDENT_STATUS_WORDS: Readonly<Record<string, IncidentsListSlots['status'] | 'unresolved'>> = wordTable({
  open: 'unresolved', active: 'unresolved', ongoing: 'unresolved', current: 'unresolved', unresolved: 'unresolved',
  mitigated: 'mitigated',
  resolved: 'resolved', closed: 'resolved', past: 'resolved', recent: 'resolved',
});

/** Words that turn a status said into its opposite. */
const NEGATORS = new Set(['not', 'never', "isn't", 'isnt', "aren't", 'arent', "wasn't", "weren't", 'yet']);

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
    // ("past incidents" are resolved ones; "incidents this past week", "in the past 2 days" say a window.)
    const timeWord = (t.norm === 'past' || t.norm === 'recent') && !isIncidentNoun(tokens[i + 1]?.norm ?? '') && !SEVERITY_WORDS[tokens[i + 1]?.norm ?? ''];
    const said = timeWord ? undefined : INCIDENT_STATUS_WORDS[t.norm];
    if (said && !taken.has(i)) {
      // "incidents not resolved", "incidents that aren't closed": the other statuses (not open: resolved; not mitigated: open).
      const negated = NEGATORS.has(tokens[i - 1]?.norm ?? '');
      status = negated ? (said === 'resolved' ? 'unresolved' : said === 'unresolved' ? 'resolved' : 'open') : said;
      taken.add(i);
      if (negated) taken.add(i - 1);
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
  // "incidents assigned to bob", "incidents commanded by alice": someone else's (a username, as typed).
  const by = mine || unassigned ? -1 : tokens.findIndex((t, i) => i > 0 && ['to', 'by'].includes(t.norm) && ['assigned', 'commanded', 'owned', 'led', 'handled'].includes(tokens[i - 1]!.norm));
  const person = by === -1 ? undefined : tokens[by + 1];
  const commander = person && /^@?[a-z0-9][\w.@-]{0,63}$/i.test(person.raw) && findTarget(line, new Set()).hit?.at !== by + 1 ? person.raw.replace(/^@/, '').replace(/[,.;!?]+$/, '') : undefined;
  if (commander) take(taken, by - 1, by + 2);
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
    ...(commander ? { commander } : {}),
  };
  // "alerts since the deploy", "incidents since 0900": a time said and not read is asked about, not left out of the list.
  const unread = window ? null : unreadTime(line.tokens, taken);
  if (unread) return { command: { intent: 'incidents.list', slots }, confidence: 0.45, problem: `Could not read the time "${unread}": say it as e.g. ${WINDOW_EXAMPLES}.` };
  if (target.unresolved) {
    return { command: { intent: 'incidents.list', slots }, confidence: 0.45, problem: `No target named "${target.unresolved}".`, suggestions: target.suggestions ?? [] };
  }
  const trigger = plural || status || severities.length > 0 ? 1 : 0.7;
  return { command: { intent: 'incidents.list', slots }, confidence: trigger * (target.hit?.score ?? 1) * leftoverFactor(tokens, taken) };
};

/** Incidents no one commands, as said. */
const UNASSIGNED = /\b(un-?assigned|unowned|nobody (owns|commands|leads|is on)|no(body| one)? (is )?(commanding|owning)|no (commander|owner|ic|one (owns|commands))|without (an? )?(commander|owner|ic|assignee)|not assigned|with no (commander|owner))\b/;
const UNASSIGNED_WORDS = new Set(['unassigned', 'un-assigned', 'unowned', 'nobody', 'owns', 'commands', 'leads', 'is', 'on', 'no', 'one', 'commanding', 'owning', 'commander', 'owner', 'ic', 'without', 'a', 'an', 'assignee', 'not', 'assigned', 'with']);

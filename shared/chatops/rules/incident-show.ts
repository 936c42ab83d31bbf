import { is, verbOf } from '../lexicon.ts';
import { idOf } from '../tokens.ts';
import { firstId, idAfter, isAlertNoun, isIncidentNoun, leftoverFactor, moreIds, type Reading, type Rule } from './kit.ts';
import { ledByStateOrder } from './orders.ts';

/** Nouns whose number is not an incident's ("silence 4", "run 5", "job 3"). */
const OTHER_ID_NOUNS = new Set(['silence', 'silences', 'run', 'runs', 'runbook', 'job', 'jobs', 'deploy', 'deployment', 'build', 'version', 'release', 'ticket', 'pr', 'issue', 'page', 'step']);

/** Asking for news of an incident by its number: "any updates on 7", "what's the latest on 7". */
/** ("eta on 7", "where are we on 7": how far it has come.) */
const NEWS_WORDS = new Set(['update', 'updates', 'latest', 'news', 'progress', 'eta', 'we']);

/** How a question starts ("is 7 resolved", "who's the IC on 7"). */
const QUESTION_LEADS = new Set(['is', 'was', 'has', 'did', 'does', 'who', "who's", 'whos', "isn't", 'isnt']);
/** Verbs of taking an incident on, and the speaker said before one ("can i grab incident 7"). */
const TAKING = new Set(['take', 'taking', 'grab', 'grabbing']);
const SPEAKER = new Set(['i', "i'll", 'ill', "i'm", 'im', 'me', 'lemme']);
/** What only an incident has: a commander, who handles it. */
const INCIDENT_ONLY = new Set(['ic', 'commander', 'commanding', 'handling', 'working', 'owns', 'owner', 'owning', 'mitigated', 'reopened']);
/** Words that greet or call before a question ("hey", "yo", "team"). */
const GREETING_LEADS = new Set(['hey', 'hi', 'hello', 'yo', 'team', 'folks', 'all', 'bot', 'ok', 'okay', 'so']);
/** "who is on 7", "who's on #7 rn": who works on a bare number is its commander, which only an incident has. */
const WHO_IS_ON = new Set(['who', "who's", 'whos', 'is', 'on', 'the', 'currently', 'now', 'rn', 'right', 'has', 'got', 'took', 'grabbed', 'anyone', 'anybody', 'someone', 'somebody']);
/** ("who has 7", "who's got 7", "who took 7": who holds a bare number is who is on it, its commander; they were not understood.) */
const HOLDS = new Set(['on', 'has', 'got', 'took', 'grabbed']);
/** ("anyone on 7?", "is anyone on 7": whether someone is on it asks who, answered the same way.) */
const WHO_WORDS = new Set(['anyone', 'anybody', 'someone', 'somebody']);
/** States an incident and an alert both have: a bare number asked about with one is either. */
const SHARED_STATES = new Set(['resolved', 'resolve', 'open', 'closed', 'fixed']);

export const incidentRule: Rule = (line) => {
  const { tokens } = line;
  // "resolve incidents 7 and 8": an order its own rule answers; showing 7 instead would do nothing asked.
  // "details of alert 12": an alert's id, not an incident's.
  if (ledByStateOrder(tokens) || idAfter(tokens, new Set(), isAlertNoun)) return null;
  // ("can i grab incident 7", "could I take #7": the speaker asking to take it offers to, which the assignment's rule asks
  // about; shown, the offer was read as a look at the incident.)
  if (tokens.some((t, i) => TAKING.has(t.norm) && tokens.slice(0, i).some((w) => SPEAKER.has(w.norm)))) return null;
  const taken = new Set<number>();
  const named = idAfter(tokens, taken, isIncidentNoun);
  if (named) {
    const several = oneAtATime(tokens, named.id, named.at);
    if (several) return several;
    if (named.noun !== null) taken.add(named.noun);
    taken.add(named.at);
    tokens.forEach((t, i) => {
      if (is(t.norm, 'status') || is(t.norm, 'show') || t.norm === 'open' || t.norm === 'going' || t.norm === 'doing') taken.add(i);
    });
    return { command: { intent: 'incident.show', slots: { incidentId: named.id } }, confidence: leftoverFactor(tokens, taken) };
  }
  // "status of #7", "#7", "what about 7", "any updates on 7", "what's the latest on 7"
  // ("I was about to ack 12": "about to" is when, not news about 12.)
  const status = tokens.findIndex((t, i) => ((is(t.norm, 'status') || is(t.norm, 'show')) && !(t.norm === 'about' && tokens[i + 1]?.norm === 'to')) || (NEWS_WORDS.has(t.norm) && ['on', 'for', 'about', 'with'].includes(tokens[i + 1]?.norm ?? '')));
  const hashed = tokens.findIndex((t) => /^#\d+$/.test(t.norm));
  const id = firstId(tokens, taken);
  if (!id) return null;
  // "show silence 4", "status of run 5": another thing's id, not an incident's.
  if (OTHER_ID_NOUNS.has(tokens[id.at - 1]?.norm ?? '')) return null;
  // ("how about acking 12?", "what about we ack 12": the number an ack or a silence is said of is an alert's; asked, not
  // ordered, the line showed incident 12.)
  if (verbOf(tokens[id.at - 1]?.norm, 'ack') === 1 || verbOf(tokens[id.at - 1]?.norm, 'silence') === 1) return null;
  if (tokens.length === 1 && hashed === -1) {
    return { command: { intent: 'incident.show', slots: { incidentId: id.id } }, confidence: 0.5, problem: `A bare number: say "incident ${id.id}" or "ack ${id.id}".` };
  }
  // ("who's the IC on 7?", "is 7 resolved?": a question about a bare number, of what only an incident has, or of what
  // an alert has too; they were not understood.)
  // ("hey who's on 7?", "@smartcloudops who is on 7": a greeting or a mention before the question is not its lead.)
  const lead = Math.max(0, tokens.findIndex((t) => !GREETING_LEADS.has(t.norm) && !t.norm.startsWith('@')));
  const asked = QUESTION_LEADS.has(tokens[lead]?.norm ?? '') && tokens.filter((t) => idOf(t) !== null).length === 1;
  const askedWho = (asked || WHO_WORDS.has(tokens[lead]?.norm ?? '')) && tokens.filter((t) => idOf(t) !== null).length === 1;
  const who = tokens[lead]!.norm.startsWith('who') || WHO_WORDS.has(tokens[lead]!.norm) || (tokens[lead]!.norm === 'is' && WHO_WORDS.has(tokens[lead + 1]?.norm ?? ''));
  const whoIsOn = askedWho && who && HOLDS.has(tokens[id.at - 1]?.norm ?? '') && tokens.every((t, i) => i === id.at || i < lead || WHO_IS_ON.has(t.norm));
  if (whoIsOn || (asked && status === -1 && hashed === -1 && tokens.some((t) => INCIDENT_ONLY.has(t.norm)))) {
    tokens.forEach((t, i) => (i < lead || QUESTION_LEADS.has(t.norm) || INCIDENT_ONLY.has(t.norm) || ['the', 'on', 'of', 'for', 'is', 'in', 'charge'].includes(t.norm) || HOLDS.has(t.norm) || WHO_WORDS.has(t.norm) ? taken.add(i) : undefined));
    taken.add(id.at);
    return { command: { intent: 'incident.show', slots: { incidentId: id.id } }, confidence: 0.9 * leftoverFactor(tokens, taken) };
  }
  if (asked && status === -1 && hashed === -1 && tokens.some((t) => SHARED_STATES.has(t.norm))) {
    return { command: { intent: 'incident.show', slots: { incidentId: id.id } }, confidence: 0.45, problem: `"${id.id}" may be incident ${id.id} or alert ${id.id}, which both resolve: say "incident ${id.id}" or "alert ${id.id}".` };
  }
  if (status === -1 && hashed === -1) return null;
  const several = oneAtATime(tokens, id.id, id.at);
  if (several) return several;
  taken.add(id.at);
  if (status !== -1) taken.add(status);
  const base = status !== -1 ? 0.9 : 0.75;
  return { command: { intent: 'incident.show', slots: { incidentId: id.id } }, confidence: base * leftoverFactor(tokens, taken) };
};

/** "show incident 7 and 8", "status of 7, 8": a card shows one incident; asked rather than show 7 and drop 8. */
function oneAtATime(tokens: Parameters<typeof moreIds>[0], id: number, at: number): Reading | null {
  const more = moreIds(tokens, at);
  if (!more) return null;
  return { command: { intent: 'incident.show', slots: { incidentId: id } }, confidence: 0.45, problem: `One incident at a time, e.g. ${[id, ...more.ids].map((n) => `"incident ${n}"`).join(', then ')}.` };
}

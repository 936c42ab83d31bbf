import { is, verbOf } from '../lexicon.ts';
import { idOf, restOf } from '../tokens.ts';
import { firstId, isIncidentNoun, leadingVerb, moreIds, type Rule, unwrapped } from './kit.ts';

/** "incident 7 note: …", "inc 7 update - …", "update on #7: …": a note said the ticket way, its text after the colon or dash. */
// ("inc-7 update: …", "INC7 note - …": the id as ticket systems write it, as "note on inc-7: …" reads it; it showed incident 7
// and dropped the note.)
const NOTE_AFTER_ID = /^(?:(?:incident|inc)[-_\s]*#?(\d{1,9})\s+(?:note|update|comment)|update\s+(?:on\s+|to\s+|for\s+)?(?:incident[-_\s]*|inc[-_\s]*)?#?(\d{1,9}))(?:\s*:|\s+[-–—]+)\s*(\S.*)$/is;

/** A note's text and then its incident: "<text> on|to|for incident 7" at the end of the line. */
const TEXT_THEN_ID = /^(\S.*?)\s+(?:on|to|for|in)\s+(?:(?:incident|inc)[-\s]*)?#?(\d{1,9})[.!]?$/is;

/** Dashes typed apart that set a note's text off as a colon does ("add to incident 7 - rolled back"). */
const TEXT_DASHES = new Set(['-', '--', '—', '–']);

/** What joins something on ("and", "&", "then", "also", "plus"): no note's text starts with it. */
const JOINED_ON = new Set(['and', '&', '+', 'then', 'also', 'plus']);

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
    // ("add to incident 31 - rolled back", "add to 31 — rolled back": a dash says a text follows as a colon does.)
    const idAt = at + (isIncidentNoun(tokens[at + 2]?.norm ?? '') ? 3 : 2);
    const textFollows = tokens[idAt]?.colon === true || TEXT_DASHES.has(tokens[idAt + 1]?.norm ?? '');
    const addTo = ['to', 'on'].includes(tokens[at + 1]?.norm ?? '') && idOf(tokens[idAt]) !== null && textFollows;
    if (noun === -1 && !addTo) return null;
    if (noun !== -1) at = noun;
    score = addTo && noun === -1 ? 0.9 : 1;
  }
  const taken = new Set<number>([verb.at, at]);
  let i = at + 1;
  while (i < tokens.length && ['on', 'to', 'for', 'in', 'a', 'the', 'into'].includes(tokens[i]!.norm)) taken.add(i++);
  if (isIncidentNoun(tokens[i]?.norm ?? '')) taken.add(i++);
  // ("note on INC-7: rolled back": the incident's id as ticket systems write it, one word.)
  const ticketId = /^([a-z]+)[-_#]?(\d{1,9})$/.exec(tokens[i]?.norm ?? '');
  const id = idOf(tokens[i]) ?? (ticketId && isIncidentNoun(ticketId[1]!) ? Number(ticketId[2]) : null);
  // 'log "rollback done" on 7', "note paged the dba team on incident 7": the text first, the incident last.
  const textFirst = id === null ? TEXT_THEN_ID.exec(restOf(line.text, tokens, at + 1)) : null;
  if (textFirst) return { command: { intent: 'incident.note', slots: { incidentId: Number(textFirst[2]), text: unwrapped(textFirst[1]!.trim()) } }, confidence: 0.9 * score };
  if (id === null) {
    if (tokens.length - at > 1 && firstId(tokens, taken) === null) {
      return { command: { intent: 'incident.note', slots: { incidentId: 0, text: '' } }, confidence: 0.45 * score, problem: 'Say which incident, e.g. "note on 7: rolled back deploy 4.12".' };
    }
    return null;
  }
  // "note on 7 and 8: rollback done": a note is written on one incident; "and 8: …" is not its text.
  const more = tokens[i]!.colon ? null : moreIds(tokens, i);
  if (more) return { command: { intent: 'incident.note', slots: { incidentId: id, text: '' } }, confidence: 0.45 * score, problem: `One incident at a time, e.g. ${[id, ...more.ids].map((n) => `"note on ${n}: …"`).join(', then ')}.` };
  taken.add(i);
  let j = i + 1;
  if (['with', 'saying', 'that'].includes(tokens[j]?.norm ?? '')) j++;
  // ("note on 7 and ack 12": a note's text said without its colon or dash does not start by joining something on; it wrote
  // "and ack 12" on incident 7, the ack dropped.)
  if (!tokens[i]!.colon && JOINED_ON.has(tokens[j]?.norm ?? '')) {
    const after = restOf(line.text, tokens, j + 1);
    return { command: { intent: 'incident.note', slots: { incidentId: id, text: '' } }, confidence: 0.45 * score, problem: `"${tokens[j]!.raw} ${after}" is no note's text: say the note after a colon ("note on ${id}: …"), and send "${after}" on its own.` };
  }
  const text = unwrapped(restOf(line.text, tokens, j));
  if (text === '') return { command: { intent: 'incident.note', slots: { incidentId: id, text: '' } }, confidence: 0.45 * score, problem: 'Say what the note says, e.g. "note on 7: rolled back".' };
  return { command: { intent: 'incident.note', slots: { incidentId: id, text } }, confidence: score };
};

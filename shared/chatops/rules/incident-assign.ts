import { EMOJI_CODE, escapeRegex, firstId, idAfter, isAlertNoun, isIncidentNoun, type Rule } from './kit.ts';

const INCIDENT_REF = String.raw`(?:(?:the\s+)?(?:incident|inc)[-\s]*#?|#)(\d{1,9})`;
const BARE_REF = String.raw`(?:(?:the\s+)?(?:incident|inc)[-\s]*#?|#)?(\d{1,9})`;

const PERSON = String.raw`@?([a-z0-9][\w.@-]{0,63})`;
const COMMAND_ROLE = String.raw`(?:the\s+)?(?:incident\s+)?(?:commander|ic|lead|owner)`;

/** The forms of taking or giving command of an incident; `who` absent: the asker. */
const ASSIGN_FORMS: readonly { re: RegExp; who?: number; id: number }[] = [
  // "assign incident 7 to alice", "hand #7 over to bob", "give 7 to me"
  { re: new RegExp(String.raw`^(?:please\s+)?(?:re)?assign\s+${BARE_REF}\s+to\s+${PERSON}$`), id: 1, who: 2 },
  // "assign bob to incident 7", "assign alice as IC of #7"
  { re: new RegExp(String.raw`^(?:please\s+)?(?:re)?assign\s+${PERSON}\s+(?:to|as\s+${COMMAND_ROLE}\s+(?:of|for|on))\s+${INCIDENT_REF}$`), id: 2, who: 1 },
  // ("give 7 to bob", "hand off 7 to bob", "transfer incident 7 to carol", "pass #7 to bob")
  { re: new RegExp(String.raw`^(?:please\s+)?(?:give|hand(?:\s*(?:over|off))?|transfer|pass)\s+${BARE_REF}\s+(?:over\s+)?to\s+${PERSON}$`), id: 1, who: 2 },
  // "I'll take incident 7", "taking #7", "let me take command of 7", "I've got incident 7" ("I can take INC-7": the offer is
  // the taking, confirmed as any is; it showed incident 7)
  // ("can i grab incident 7", "may I take #7?": asking to take it is the offer, asked as a question is; it showed incident 7.)
  { re: new RegExp(String.raw`^(?:i'?ll\s+|i\s+will\s+|i\s+can\s+|(?:can|could|may)\s+i\s+|i'?m\s+|i\s+am\s+|let\s+me\s+|lemme\s+)?(?:take|taking|grab|grabbing|own|owning|handle|handling|on)(?:\s+over)?\s+${INCIDENT_REF}(?:\s+from\s+${PERSON})?$`), id: 1 },
  { re: new RegExp(String.raw`^(?:i'?ll\s+|i\s+will\s+|i\s+can\s+|i'?m\s+|i\s+am\s+|let\s+me\s+|lemme\s+)?(?:take|taking|assume|assuming)\s+(?:command|ownership|lead)\s+(?:of|on|for)\s+${BARE_REF}$`), id: 1 },
  { re: new RegExp(String.raw`^i(?:'ve|\s+have)?\s+got\s+${INCIDENT_REF}$`), id: 1 },
  // "I'm IC for 7", "I am the incident commander on #7"
  { re: new RegExp(String.raw`^(?:i'?m|i\s+am|i'?ll\s+be|i\s+will\s+be)\s+${COMMAND_ROLE}\s+(?:of|for|on)\s+${BARE_REF}$`), id: 1 },
  // "make alice commander of incident 7", "set bob as IC for #7"
  { re: new RegExp(String.raw`^(?:make|set)\s+${PERSON}\s+(?:as\s+)?${COMMAND_ROLE}\s+(?:of|for|on)\s+${BARE_REF}$`), id: 2, who: 1 },
  // "set the commander of incident 7 to alice", "commander of 7 is bob"
  { re: new RegExp(String.raw`^(?:set\s+)?(?:the\s+)?(?:incident\s+)?(?:commander|ic)\s+(?:of|for|on)\s+${BARE_REF}\s+(?:to|is|=)\s+${PERSON}$`), id: 1, who: 2 },
];

/**
 * "I'll take 7", "I've got 7", "ill grab 7", "taking 7": the speaker taking something said by a bare number, which may be an incident
 * or an alert; asked about (with both ways to say it) rather than answered with nothing. "take 7", "grab 7" too: the order
 * an on-call engineer gives to take command, of a number that may be an alert (it was not understood).
 */
// ("can i take 7", "may I grab 7?": the speaker asking to take it is the offer; "take 7 and 8", "I'll take 7, 8": several, each
// of which may be an incident or an alert; "7 is mine": the same, said of it; "i'll take it", "taking this one": nothing
// named. All were not understood.)
const TAKER = String.raw`(?:i'?ll|ill|i\s+will|i\s+can|can\s+i|could\s+i|may\s+i|(?:do\s+you\s+)?mind\s+if\s+i|i'?m|i\s+am|let\s+me|lemme|i'?ve\s+got|i\s+have\s+got|i\s+got|i\s+have)`;
const BARE_IDS = String.raw`(\d{1,9}(?:\s*(?:,|&|\band\b)\s*\d{1,9})*)`;
const TAKES_BARE = new RegExp(String.raw`^${TAKER}\s+(?:take|taking|grab|grabbing|own|owning|handle|handling|got|on)?\s*${BARE_IDS}$|^(?:taking|grabbing|owning|handling|take|grab)(?:\s+over)?\s+${BARE_IDS}$|^${BARE_IDS}(?:'s|\s+is)\s+mine$`);
/** "i'll take it", "taking this one", "let me grab that": taking what is not named. */
const TAKES_UNNAMED = new RegExp(String.raw`^(?:${TAKER}\s+)?(?:take|taking|grab|grabbing|own|owning|handle|handling)\s+(?:it|this|that)(?:\s+one)?(?:\s+from\s+here)?$`);

/** Assent or "on it" leading a taking, set off or not ("ok, …", "I'm on it. …", "on it - …", "sure …"); one or more. */
const ASSENT_LEAD = /^(?:(?:ok(?:ay)?|k|kk|sure|yes|yep|yeah|yup|ya|roger|right|alright|cool|got it|will do|on it|(?:i'?m|im|i am) on it(?: now)?)(?:\s*[-–—]+\s+|[\s,.;:!]+))+/;

/** Words that name the asker. */
const ME = new Set(['me', 'myself', 'i']);

/** Words a name cannot be: "assign 7 to the db team" is not a username. */
const NOT_A_PERSON = new Set(['who', 'what', 'which', 'whom', 'the', 'a', 'an', 'team', 'someone', 'somebody', 'anyone', 'everyone', 'us', 'them', 'him', 'her']);

/** The line without the manners and reactions after its last word ("… pls", "… thx 🙏", "… :+1:", "… np"). */
function withoutTrailingCourtesy(lower: string): string {
  const words = lower.split(' ');
  while (words.length > 1 && (/^(?:please|pls|plz|thanks|thx|ty|np|ok|k|kk|now|rn)$/.test(words.at(-1)!) || EMOJI_CODE.test(words.at(-1)!.replace(/[!.,]+$/, '')))) words.pop();
  return words.join(' ').replace(/[.!?,]+$/, '');
}

/** "I'll take incident 7", "assign incident 7 to alice", "make bob IC for #7": who commands an incident. */
export const incidentAssignRule: Rule = (line) => {
  // Manners around the order ("can you …", "please …", "… pls?") are not part of its form; nor is assent after it ("taking 7
  // np", "assign incident 7 to bob np": it was read as part of the name, or the line unread).
  const said = line.text.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim()
    .replace(/[.!?]+$/, '').replace(/^(?:(?:can|could|would|will)\s+(?:you|u|we|someone)\s+|please\s+|pls\s+)/, '');
  // ("I'll take incident 7 🙋", "assign 7 to bob 🙏", "taking incident 7 👍 thx": a reaction after the order is no part of its
  // form, as manners are not; the forms below are anchored at the line's end, and it was unread, or a name.)
  // ("I'm on it. taking incident 7", "ok taking incident 7 now", "got it, I'll take incident 7", "yep taking INC-7": assent or
  // "on it" before the taking says the same; the forms are anchored at the line's start, so it showed incident 7 or was unread.)
  const assent = ASSENT_LEAD.exec(said);
  const lower = withoutTrailingCourtesy(assent ? said.slice(assent[0].length) : said);
  const lead = assent ? 0.95 : 1;
  // ("assign 7 to bob, he's got context", "assign 7 to bob - he knows the db", "I'll take incident 7 because I deployed": why,
  // after a comma, a dash or "because", is no part of the form; it was asked who commands. An assignment keeps no comment, so
  // the reason is left out, and the reading is a little less sure.)
  // ("assign 7 to bob, carol", "… - carol too": more people, not why; "taking incident 7, acking 12": a number, maybe one
  // more thing to act on. Asked as before.)
  const after = /(?:,|\s[-–—]+|\s(?:because|cuz|coz|since))\s+(\S.*)$/.exec(lower);
  const reason = after && after[1]!.split(' ').length > 1 && !/\b(?:and|or|too|also|as well|plus|n)\b|[&@+#\d]/.test(after[1]!) ? after : null;
  const plain = reason ? lower.slice(0, reason.index).trim() : lower;
  for (const [said, sure] of reason ? [[lower, 1], [plain, 0.9]] as const : [[lower, 1]] as const) for (const form of ASSIGN_FORMS) {
    const m = form.re.exec(said);
    if (!m) continue;
    const incidentId = Number(m[form.id]);
    const who = form.who === undefined ? 'me' : m[form.who]!;
    if (NOT_A_PERSON.has(who)) {
      return { command: { intent: 'incident.assign', slots: { incidentId } }, confidence: 0.45, problem: `Say who commands incident ${incidentId} by their username, e.g. "assign incident ${incidentId} to alice", or "I'll take incident ${incidentId}".` };
    }
    // The name as typed (usernames keep their case).
    const typed = form.who === undefined || ME.has(who) ? undefined : line.text.replace(/\s+/g, ' ').match(new RegExp(escapeRegex(who), 'i'))?.[0] ?? who;
    return { command: { intent: 'incident.assign', slots: typed === undefined ? { incidentId } : { incidentId, commander: typed } }, confidence: sure * lead };
  }
  const bare = TAKES_BARE.exec(lower) ?? TAKES_BARE.exec(plain);
  if (bare) {
    const ids = (bare[1] ?? bare[2] ?? bare[3])!.split(/\s*(?:,|&|\band\b)\s*/).map(Number);
    const id = ids[0]!;
    if (ids.length > 1) return { command: { intent: 'incident.assign', slots: { incidentId: id } }, confidence: 0.45, problem: `Say which you take, one at a time: ${ids.map((n) => `"I'll take incident ${n}"`).join(', ')} to command an incident, or "ack ${ids.join(' ')}" to acknowledge alerts.` };
    return { command: { intent: 'incident.assign', slots: { incidentId: id } }, confidence: 0.45, problem: `Say which ${id} you take, e.g. "I'll take incident ${id}" to command incident ${id}, or "ack ${id}" to acknowledge alert ${id}.` };
  }
  if (TAKES_UNNAMED.test(lower) || TAKES_UNNAMED.test(plain)) return { command: { intent: 'incident.assign', slots: { incidentId: 0 } }, confidence: 0.45, problem: 'Say which you take by its id: "I\'ll take incident 7" to command an incident, or "ack 12" to acknowledge an alert.' };
  // "unassign incident 7", "remove the commander of 7": cleared on the incident's page.
  const cleared = /^(?:un-?assign|remove (?:the )?(?:commander|ic|owner) (?:from|of|on)|clear (?:the )?(?:commander|ic|owner) (?:of|on))\b/.test(lower) ? idAfter(line.tokens, new Set(), isIncidentNoun) ?? firstId(line.tokens, new Set()) : null;
  if (cleared) return { command: { intent: 'incident.assign', slots: { incidentId: cleared.id } }, confidence: 0.45, problem: `An incident's commander is cleared on its page in the console; from chat it is handed over, e.g. "assign incident ${cleared.id} to alice".` };
  // "assign incident 7", "assign 7 to the db team": an assignment without one username.
  const loose = /^(?:re)?assign\b/.test(lower) ? idAfter(line.tokens, new Set(), isIncidentNoun) ?? firstId(line.tokens, new Set()) : null;
  if (!loose) return null;
  if (line.tokens.some((t) => isAlertNoun(t.norm))) {
    return { command: { intent: 'incident.assign', slots: { incidentId: 0 } }, confidence: 0.45, problem: `Alerts have no commander: acknowledge alert ${loose.id} ("ack ${loose.id}"), or take command of its incident ("alert ${loose.id}" shows which).` };
  }
  return { command: { intent: 'incident.assign', slots: { incidentId: loose.id } }, confidence: 0.45, problem: `Say who commands incident ${loose.id} by their username, e.g. "assign incident ${loose.id} to alice", or "I'll take incident ${loose.id}".` };
};

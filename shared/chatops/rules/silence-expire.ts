import { is, verbOf } from '../lexicon.ts';
import { findTarget, firstId, freeTextFrom, idAfter, isAlertNoun, leadingVerb, leftoverFactor, moreIds, type Rule } from './kit.ts';
import { silencedFilterOf, UNDO_WORDS } from './orders.ts';

const SILENCE_NOUNS = new Set(['silence', 'silences', 'mute', 'snooze', 'silencing', 'muting', 'snoozing']);

/** Undoing verbs whose object is the silence itself: a bare number after them is a silence's id ("unsilence 4"). */
const SILENCE_ID_VERBS = new Set(['unsilence', 'desilence']);

export const unsilenceRule: Rule = (line) => {
  const { tokens } = line;
  const direct = leadingVerb(tokens, (n) => verbOf(n, 'unsilence'));
  // "unsilenced alerts on web-1": alerts asked for by their state (alertsRule).
  if (direct && silencedFilterOf(tokens)?.at === direct.at) return null;
  let verb = direct;
  const taken = new Set<number>();
  if (!verb) {
    // "expire silence 4", "delete the silence #4", "silence 4 can end"
    // ("undo the silence on web-1", "revert the mute": taken back, as expired.)
    const ending = leadingVerb(tokens, (n) => (is(n, 'expire') || UNDO_WORDS.has(n) ? 1 : 0));
    // "stop silencing web-1", "lift the mute": the silence as a noun or a verb's -ing.
    const noun = tokens.findIndex((t) => SILENCE_NOUNS.has(t.norm));
    if (!ending || noun === -1) return null;
    verb = ending;
    taken.add(noun);
  }
  taken.add(verb.at);
  // ("unsilence 4 - done with maintenance", "expire silence 4 because patched": why, said after a marker, asks nothing; its
  // words made the line unsure and it was not read. An expiry keeps no comment, so the reason is not carried.)
  for (let i = freeTextFrom(tokens, verb.at); i < tokens.length; i++) taken.add(i);
  // "unsilence alert 12": alert 12's silences have ids of their own; the alert's card names them.
  const alertRef = idAfter(tokens, taken, isAlertNoun);
  if (alertRef) {
    return { command: { intent: 'silence.expire', slots: { silenceId: 0 } }, confidence: 0.45 * verb.score, problem: `Silences have ids of their own: "alert ${alertRef.id}" shows the silences covering it, then e.g. "unsilence 4" ends one.` };
  }
  const named = idAfter(tokens, taken, (n) => n === 'silence' || n === 'silences');
  const id = named ?? firstId(tokens, taken);
  // "unsnooze 12", "unmute 12": snoozing and muting are said of alerts ("snooze 12" silences alert 12), so a bare number
  // after their undoing may be the alert's as well as a silence's id; only "unsilence 12" names the silence itself.
  if (id && !named && direct && !SILENCE_ID_VERBS.has(tokens[direct.at]!.norm)) {
    const said = tokens[direct.at]!.raw;
    return { command: { intent: 'silence.expire', slots: { silenceId: id.id } }, confidence: 0.45 * verb.score, problem: `"${said} ${id.id}" may be alert ${id.id} (as "${said.replace(/^un-?/i, '')} ${id.id}" silences alert ${id.id}) or silence ${id.id}: to end silence ${id.id}, name it, e.g. "unsilence ${id.id}" or "expire silence ${id.id}"; "alert ${id.id}" shows the silences covering alert ${id.id}.` };
  }
  if (!id) {
    const target = findTarget(line, taken);
    const list = `; "silences${target.hit ? ` on ${target.hit.target.name}` : ''}" lists them`;
    return { command: { intent: 'silence.expire', slots: { silenceId: 0 } }, confidence: 0.45 * verb.score, problem: `Say which silence to expire by its id, e.g. "unsilence 4"${list}.` };
  }
  taken.add(id.at);
  // "unsilence 4 and 5": each silence is expired, and confirmed, on its own.
  const more = moreIds(tokens, id.at);
  if (more) return { command: { intent: 'silence.expire', slots: { silenceId: id.id } }, confidence: 0.45 * verb.score, problem: `One silence at a time, e.g. ${[id.id, ...more.ids].map((n) => `"unsilence ${n}"`).join(', then ')}.` };
  return { command: { intent: 'silence.expire', slots: { silenceId: id.id } }, confidence: verb.score * leftoverFactor(tokens, taken) };
};

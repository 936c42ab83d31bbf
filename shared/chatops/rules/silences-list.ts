import type { SilencesListSlots } from '../intents.ts';
import { is, verbOf } from '../lexicon.ts';
import type { Token } from '../tokens.ts';
import { findTarget, firstId, isCourtesy, leftoverFactor, type Rule, take } from './kit.ts';
import { silencedFilterOf } from './orders.ts';
import { wordTable } from '../word-table.ts';

/** The words around a question for a list ("are there any … right now", "which … do we have"), read as nothing more. */
export const LIST_QUESTION_WORDS = new Set(['any', 'all', 'there', 'are', 'is', 'which', 'what', 'whats', "what's", 'right', 'now', 'do', 'we', 'have']);

const SILENCE_STATE_WORDS: Readonly<Record<string, SilencesListSlots['state']>> = wordTable({
  active: 'active', current: 'active', running: 'active',
  pending: 'pending', upcoming: 'pending', scheduled: 'pending', future: 'pending',
  expired: 'expired', ended: 'expired', past: 'expired', old: 'expired', previous: 'expired',
});

/** "silences" as a noun, or "silence" after a list word or a state: a question, not a silence to create. */
export function isSilencesQuestion(tokens: readonly Token[], at: number): boolean {
  const word = tokens[at]!.norm;
  if (word === 'silences' || word === 'mutes') return true;
  // ("mute list", "silence list pls": the list of them, said noun first; it made a silence of alerts named "list".)
  if (at === 0 && tokens[1]?.norm === 'list' && (tokens.length === 2 || tokens[2]!.norm === 'on' || tokens.slice(2).every(isCourtesy))) return true;
  // ("anything muted?", "something silenced on web-1?": asked of whatever there is, as "is anything silenced" is; unread.)
  // ("how do i silence something?" asks for help: only a participle is asked of "something".)
  const participle = ['silenced', 'muted', 'snoozed'].includes(word);
  return tokens.slice(0, at).some((t) => is(t.norm, 'list') || is(t.norm, 'show') || SILENCE_STATE_WORDS[t.norm] !== undefined || (participle && ['anything', 'something'].includes(t.norm)) || ['any', 'which', 'what', 'whats', "what's", 'who', 'when', 'is', 'are', 'how'].includes(t.norm));
}

/** "active silences", "list silences on web-1", "expired silences". */
export const silencesListRule: Rule = (line) => {
  const { tokens } = line;
  const noun = tokens.findIndex((t) => ['silences', 'mutes', 'silence', 'mute', 'silenced', 'muted', 'snoozed'].includes(t.norm));
  if (noun === -1 || !isSilencesQuestion(tokens, noun)) return null;
  // "show silenced alerts", "which alerts are silenced": the alerts, not the silences (alertsRule); "how to silence" asks for help.
  if (silencedFilterOf(tokens)?.at === noun || (tokens[0]?.norm === 'how' && tokens[1]?.norm === 'to')) return null;
  // "unsilence 4", "silence 4 can end": one silence by its id is another command.
  if (firstId(tokens, new Set()) !== null) return null;
  // "end all silences", "remove the silences on web-1": an order to expire, which names one silence (unsilenceRule asks which).
  if (is(tokens[0]?.norm, 'expire') || verbOf(tokens[0]?.norm, 'unsilence') > 0) return null;
  const taken = new Set<number>([noun]);
  let state: SilencesListSlots['state'];
  tokens.forEach((t, i) => {
    const said = SILENCE_STATE_WORDS[t.norm];
    if (said) {
      state = said;
      taken.add(i);
    }
    if (is(t.norm, 'list') || is(t.norm, 'show') || LIST_QUESTION_WORDS.has(t.norm) || ['in', 'place', 'force', 'who', 'when', 'how', 'long', 'still', 'the'].includes(t.norm) || (['anything', 'something'].includes(t.norm) && i < noun && ['silenced', 'muted', 'snoozed'].includes(tokens[noun]!.norm))) taken.add(i);
  });
  const target = findTarget(line, taken);
  if (target.hit) take(taken, target.hit.at, target.hit.end);
  const slots: SilencesListSlots = { ...(state ? { state } : {}), ...(target.hit ? { target: target.hit.target.name } : {}) };
  if (target.unresolved) {
    return { command: { intent: 'silences.list', slots }, confidence: 0.45, problem: `No target named "${target.unresolved}".`, suggestions: target.suggestions ?? [] };
  }
  return { command: { intent: 'silences.list', slots }, confidence: (target.hit?.score ?? 1) * leftoverFactor(tokens, taken) };
};

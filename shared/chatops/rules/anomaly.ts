import { verbOf } from '../lexicon.ts';
import { findTarget, leftoverFactor, type Rule, take } from './kit.ts';
import { whatsUpAt } from './metrics.ts';

/** Verbs whose "off" is their own. */
const PHRASAL_OFF = new Set(['hold', 'holding', 'turn', 'turned', 'switch', 'switched', 'shut', 'kick', 'kicked', 'log', 'sign', 'back', 'backing', 'call', 'called', 'hand', 'cut', 'drop', 'tail', 'tailed', 'level', 'levelled', 'leveled', 'taper', 'tapered', 'fall', 'fell', 'dropped', 'ease', 'eased', 'wear', 'wore', 'finish']);

export const anomalyRule: Rule = (line) => {
  const { tokens, index } = line;
  const taken = new Set<number>();
  let trigger = 0;
  tokens.forEach((t, i) => {
    // "hold off on restarting web-1", "turn off web-1", "log off": an "off" of a phrasal verb, not something off.
    // ("mute web-1 off", "silence web-1 for 1h off": a silence turned off, said of what it is of; it explained web-1.)
    if (t.norm === 'off' && (PHRASAL_OFF.has(tokens[i - 1]?.norm ?? '') || verbOf(tokens[0]?.norm, 'silence') === 1)) return;
    const score = Math.max(verbOf(t.norm, 'explain'), verbOf(t.norm, 'anomalous'));
    if (score > 0) {
      taken.add(i);
      trigger = Math.max(trigger, score);
    }
  });
  const lower = line.text.toLowerCase();
  if (/what'?s (wrong|up|going on) with/.test(lower)) {
    trigger = Math.max(trigger, 0.9);
    tokens.forEach((t, i) => (['wrong', 'going', 'with'].includes(t.norm) || whatsUpAt(tokens, i)) && taken.add(i));
  }
  if (trigger === 0) return null;
  const target = findTarget(line, taken);
  if (!target.hit) {
    return {
      command: { intent: 'anomaly.explain', slots: { target: target.unresolved ?? '' } },
      confidence: 0.45 * trigger,
      problem: target.unresolved ? `No target named "${target.unresolved}".` : 'Say which target, e.g. "why is api-1 anomalous".',
      ...(target.suggestions?.length ? { suggestions: target.suggestions } : {}),
    };
  }
  take(taken, target.hit.at, target.hit.end);
  let metric: string | undefined;
  tokens.forEach((t, i) => {
    if (taken.has(i) || metric) return;
    const found = index.metric(t.norm);
    if (found && found.score > 0.8) {
      metric = found.name;
      taken.add(i);
    }
  });
  tokens.forEach((t, i) => (['acting', 'behaving', 'looking', 'so', 'spiky', 'high', 'low', 'slow'].includes(t.norm) ? taken.add(i) : undefined));
  const slots = metric ? { target: target.hit.target.name, metric } : { target: target.hit.target.name };
  return { command: { intent: 'anomaly.explain', slots }, confidence: trigger * target.hit.score * leftoverFactor(tokens, taken) };
};

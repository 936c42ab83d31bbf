import { is } from '../lexicon.ts';
import { findDurations, findTimeRange } from '../times.ts';
import type { Token } from '../tokens.ts';
import { agoWindow, DEFAULT_RANGE_MS, findTarget, isAlertNoun, isIncidentNoun, leftoverFactor, type Line, type Reading, type Rule, take, unreadTime, WINDOW_EXAMPLES } from './kit.ts';
import { ledByStateOrder } from './orders.ts';

/** Words whose "up" is their own: "what's up (with db-1)", "scale up web", "spin up web-3", "bring up db-2". */
const UP_IDIOMS = new Set(['whats', "what's", 'sup', 'scale', 'spin', 'bring', 'fire', 'boot', 'power', 'ramp', 'speed', 'wake', 'warm', 'set', 'start', 'back', 'clean', 'free', 'open', 'step', 'wrap', 'tidy', 'follow', 'pick', 'catch', 'sign', 'give', 'hold', 'hang']);

/** Is the token the "up" of an idiom or a phrasal verb, not the `up` metric? */
export function whatsUpAt(tokens: readonly Token[], i: number): boolean {
  return tokens[i]?.norm === 'up' && UP_IDIOMS.has(tokens[i - 1]?.norm ?? '');
}

/**
 * Verbs whose "up" may be their particle ("pull up cpu for web-1", "look up disk on web-3", "call up the load"): the `up`
 * metric only when the line names no other ("show up for lb-1"); read first, it charted `up` instead of the cpu asked for.
 */
const PARTICLE_HEADS = new Set(['pull', 'look', 'call', 'dig', 'show', 'load', 'fetch', 'get', 'grab', 'whip', 'rustle', 'graph', 'chart', 'plot', 'draw', 'display']);

/** Is the token an "up" that may be the particle of the verb before it? */
function particleUpAt(tokens: readonly Token[], i: number): boolean {
  return tokens[i]?.norm === 'up' && PARTICLE_HEADS.has(tokens[i - 1]?.norm ?? '');
}

/** The first metric the line names and where (two words that name one first: "disk io", "response time"), or null. */
function firstMetric(line: Line, particleUp: boolean): { name: string; score: number; at: number; end: number } | null {
  const { tokens, index } = line;
  for (let i = 0; i < tokens.length; i++) {
    if (whatsUpAt(tokens, i) || (!particleUp && particleUpAt(tokens, i))) continue;
    const next = tokens[i + 1];
    // ("memory-wise", "cpu wise": the metric a line is about, said the way chat says "as for".)
    const norm = tokens[i]!.norm.replace(/-wise$/, '');
    const pair = next ? index.metric(norm + next.norm, true) : null;
    const found = pair ?? index.metric(norm);
    if (found) {
      const end = pair ? i + 2 : i + 1;
      return { ...found, at: i, end: tokens[end]?.norm === 'wise' ? end + 1 : end };
    }
  }
  return null;
}

export const metricsRule: Rule = (line) => {
  const { tokens, index, ref } = line;
  if (ledByStateOrder(tokens)) return null;
  const taken = new Set<number>();
  // (The second look, with a particle's "up" read as the metric, only when the line has one: most lines name no metric.)
  const metric = firstMetric(line, false) ?? (tokens.some((_, i) => particleUpAt(tokens, i)) ? firstMetric(line, true) : null);
  if (!metric) return chartOfNoMetric(line);
  const found = { name: metric.name, score: metric.score };
  const metricAt = metric.at;
  take(taken, metric.at, metric.end);
  // ("pull up cpu", "bring up memory", "dig up the latency": the verb and its particle ask for the chart, as "show" does.)
  tokens.forEach((t, i) => {
    if (i < metric.at && (particleUpAt(tokens, i) || (t.norm === 'up' && tokens[i - 1]?.norm === 'bring'))) take(taken, i - 1, i + 1);
  });
  tokens.forEach((t, i) => {
    // "network traffic", "memory ram": more words for the same metric.
    if (is(t.norm, 'show') || (!taken.has(i) && index.metric(t.norm)?.name === found.name)) taken.add(i);
  });

  let from = ref.now - DEFAULT_RANGE_MS;
  let to = ref.now;
  const said = findDurations(tokens, taken)[0];
  // "from 2 hours ago to 1 hour ago": a window of two moments, read below as one.
  const duration = agoWindow(line, taken, said) ? undefined : said;
  if (duration) {
    from = ref.now - duration.ms;
    take(taken, duration.start, duration.end);
    for (let k = duration.start - 1; k >= 0 && ['last', 'past', 'previous', 'the', 'over', 'in', 'for', 'during'].includes(tokens[k]!.norm); k--) taken.add(k);
    if (tokens[duration.end]?.norm === 'ago') taken.add(duration.end);
  }
  const target = findTarget(line, taken);
  if (target.hit) take(taken, target.hit.at, target.hit.end);
  if (!duration) {
    const range = findTimeRange(line.text, tokens, taken, ref);
    if (range) {
      from = range.from;
      to = range.to;
      take(taken, range.start, range.end);
    }
  }
  const slots = { metric: found.name, ...(target.hit ? { target: target.hit.target.name } : {}), from, to };
  // "cpu on web-1 since lunch", "… since the deploy": a time said and not read is asked about, not charted as the last hour.
  const unread = duration ? null : unreadTime(tokens, taken, from !== ref.now - DEFAULT_RANGE_MS || to !== ref.now);
  if (unread) return { command: { intent: 'metrics.show', slots }, confidence: 0.45, problem: `Could not read the time "${unread}": say it as e.g. ${WINDOW_EXAMPLES}.` };
  // "last 0 minutes", "from 10:00 to 09:00": nothing to chart.
  if (to <= from) return { command: { intent: 'metrics.show', slots }, confidence: 0.45, problem: 'A chart needs a window that ends after it starts, e.g. "last 2h" or "from 9am to 11am".' };
  if (target.unresolved) {
    return { command: { intent: 'metrics.show', slots }, confidence: 0.45, problem: `No target named "${target.unresolved}".`, suggestions: target.suggestions ?? [] };
  }
  // "cpu and memory on web-1": a chart is of one metric; charting the first would drop the rest unsaid.
  const others = otherMetrics(line, taken, found.name, metricAt);
  if (others.length > 0) {
    const where = target.hit ? ` on ${target.hit.target.name}` : '';
    const each = [found.name, ...others].map((name) => `"${name}${where}"`).join(', then ');
    return { command: { intent: 'metrics.show', slots }, confidence: 0.5, problem: `A chart shows one metric; this would leave out ${others.join(' and ')}: ask for one at a time, e.g. ${each}.` };
  }
  return { command: { intent: 'metrics.show', slots }, confidence: found.score * (target.hit?.score ?? 1) * leftoverFactor(tokens, taken) };
};

/** Words that ask for a chart, not for a target's alerts ("graph web-1", "metrics for db-2", "show graphs for web-1"). */
const CHART_WORDS = new Set(['graph', 'graphs', 'chart', 'charts', 'plot', 'plots', 'metrics', 'dashboard', 'dashboards', 'trend', 'trends']);

/**
 * "graph web-1", "show graphs for web-1", "metrics for db-2": a chart asked for without its metric. Read as the target
 * alone it listed web-1's alerts; a chart is of one metric, so which one is asked (sure enough to be the answer, with the
 * target's alerts still offered). Null when the line names no chart word, or names alerts or incidents ("graph alerts").
 */
function chartOfNoMetric(line: Line): Reading | null {
  const { tokens } = line;
  // (Asked for first, "show me graphs for …": "mark 7 mitigated once the graphs settle" says when, and asks no chart.)
  if (!tokens.slice(0, 3).some((t) => CHART_WORDS.has(t.norm)) || tokens.some((t) => isAlertNoun(t.norm) || isIncidentNoun(t.norm) || is(t.norm, 'runbook'))) return null;
  const target = findTarget(line, new Set());
  const where = target.hit ? ` on ${target.hit.target.name}` : ' on web-1';
  return { command: { intent: 'metrics.show', slots: { metric: '', ...(target.hit ? { target: target.hit.target.name } : {}), from: line.ref.now - DEFAULT_RANGE_MS, to: line.ref.now } }, confidence: 0.85, problem: `Say which metric to chart, e.g. "cpu${where} last 2h", "memory${where}" or "latency${where}".` };
}

/** Words that join two things asked for: "cpu and memory", "cpu, memory", "memory vs cpu". */
const METRIC_JOINERS = new Set(['and', 'or', '&', '+', 'plus', 'vs', 'versus', 'also', 'as', 'with']);

/**
 * Metrics other than `first` (its first word at `firstAt`) named by words not yet read, each
 * once, in order; only those set apart from it by a joiner or a comma, so that "cpu load"
 * stays one thing asked for and "cpu and load" is two.
 */
function otherMetrics(line: Line, taken: ReadonlySet<number>, first: string, firstAt: number): string[] {
  const { tokens, index } = line;
  const names: string[] = [];
  // Words a and b (a < b) are apart when a joiner stands between them or a comma follows a word from a on.
  const apart = (a: number, b: number) => tokens.slice(a, b).some((t, k) => (k > 0 && METRIC_JOINERS.has(t.norm)) || t.raw.endsWith(','));
  for (let i = 0; i < tokens.length; i++) {
    if (taken.has(i) || !apart(Math.min(i, firstAt), Math.max(i, firstAt))) continue;
    const next = tokens[i + 1];
    const pair = next && !taken.has(i + 1) ? index.metric(tokens[i]!.norm + next.norm, true) : null;
    const found = pair ?? index.metric(tokens[i]!.norm);
    if (!found || found.score < 1 || found.name === first) continue;
    if (!names.includes(found.name)) names.push(found.name);
    if (pair) i++;
  }
  return names;
}

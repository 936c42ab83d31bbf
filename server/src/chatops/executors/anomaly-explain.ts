import type { ReadExecutor } from './types.ts';
import { isoMinute } from './types.ts';

/** "why is api-1 anomalous": the latest anomaly of the target with its explanation, metric by metric. */
export const anomalyExplain: ReadExecutor<'anomaly.explain'> = {
  kind: 'read',
  async answer({ slots }, _user, { anomalyEvents }) {
    const row = await anomalyEvents.latest(slots.target);
    if (!row) {
      return { kind: 'text', intent: 'anomaly.explain', title: `No anomaly on ${slots.target}`, text: `The anomaly engine has recorded no anomaly on ${slots.target}.`, lines: [] };
    }
    const explanation = row.explanation;
    // The metric asked about first, then by share of the anomaly.
    const metrics = [...explanation.metrics].sort((a, b) => Number(slots.metric !== undefined && b.metric.startsWith(slots.metric)) - Number(slots.metric !== undefined && a.metric.startsWith(slots.metric)) || b.share - a.share);
    return {
      kind: 'table',
      intent: 'anomaly.explain',
      title: `Anomaly on ${slots.target} at ${isoMinute(row.ts)} (score ${row.score.toFixed(2)}, threshold ${row.threshold.toFixed(2)})`,
      text: row.summary,
      columns: ['metric', 'value', 'sigma', 'status', 'share', 'baseline'],
      rows: metrics.map((m) => [m.metric, Number(m.value.toPrecision(4)), Number(m.sigma.toFixed(2)), m.status, `${Math.round(m.share * 100)}%`, m.baseline]),
    };
  },
};

import { AppError } from '../../../../shared/errors.ts';
import { formatDuration } from '../../../../shared/chatops/format.ts';
import type { LabelMatcher } from '../../../../shared/metrics/selector.ts';
import type { ReadExecutor } from './types.ts';

/** Lines on one chat chart; more is unreadable in a chat panel. */
const MAX_SERIES = 12;
const MAX_POINTS = 300;

/** "cpu on web-1 last 2h": the metric's series on the target over the range, as a chart card. */
export const metricsShow: ReadExecutor<'metrics.show'> = {
  kind: 'read',
  async answer({ slots }, _user, { metrics, inventory }) {
    const matchers: LabelMatcher[] = [{ name: '__name__', op: '=', value: slots.metric }];
    if (slots.target) matchers.push({ name: await inventory.labelOf(slots.target), op: '=', value: slots.target });
    const found = await metrics.findSeries(matchers);
    const where = slots.target ? ` on ${slots.target}` : '';
    const title = `${slots.metric}${where}`;
    if (found.length === 0) throw new AppError('E_NOT_FOUND', `No series of ${slots.metric}${where}.`);
    const series = await metrics.queryRange(found.slice(0, MAX_SERIES), { from: slots.from, to: slots.to, agg: 'avg', maxPoints: MAX_POINTS });
    const points = series.reduce((sum, s) => sum + s.timestamps.length, 0);
    const shown = found.length > MAX_SERIES ? ` (first ${MAX_SERIES} of ${found.length} series)` : '';
    return {
      kind: 'chart',
      intent: 'metrics.show',
      title,
      text: `${series.length} series, ${points} points over ${formatDuration(slots.to - slots.from)}${shown}`,
      metric: slots.metric,
      target: slots.target ?? null,
      from: slots.from,
      to: slots.to,
      series: series.map((s) => ({ id: s.id, name: s.name, labels: s.labels, timestamps: s.timestamps, values: s.values })),
    };
  },
};

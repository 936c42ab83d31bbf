import type { Alert, Severity } from '../../../../shared/api/alerts.ts';
import type { TrainingProgress } from '../../../../shared/api/anomaly.ts';

export function countBySeverity(alerts: readonly Alert[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const alert of alerts) if (alert.state === 'firing') counts[alert.severity] += 1;
  return counts;
}

export interface AnomalousTarget {
  target: string;
  score: number;
  explanation: string;
  alert: Alert;
}

/** The most anomalous targets now: each target's highest-scoring active anomaly, best first. */
export function mostAnomalous(alerts: readonly Alert[], limit = 5): AnomalousTarget[] {
  const best = new Map<string, AnomalousTarget>();
  for (const alert of alerts) {
    const target = alert.labels.target;
    const score = Number(alert.annotations.score);
    if (!target || !Number.isFinite(score)) continue;
    const current = best.get(target);
    if (!current || score > current.score) best.set(target, { target, score, explanation: alert.annotations.explanation ?? '', alert });
  }
  return [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
}

export { featuredSeries } from '../../../../shared/metrics/featured-series.ts';

export interface TrainingOverview {
  /** Targets without a model yet: "nothing unusual" would be a guess for them. */
  learning: Array<{ target: string; text: string }>;
  /** Targets whose model learned (or is about to learn) a saturated window as normal. */
  flagged: Array<{ target: string; text: string }>;
  /** Targets with a model and an ordinary training window. */
  ready: number;
}

/** "learning 150/288 samples, ready at ~04:48 UTC" per target, and the extreme training windows. */
export function trainingOverview(progress: readonly TrainingProgress[], clock: (ms: number) => string): TrainingOverview {
  const learning = progress
    .filter((one) => one.state === 'learning')
    .map((one) => ({ target: one.target, text: `learning ${one.samples}/${one.required} samples${one.readyAt !== null ? `, ready at ~${clock(one.readyAt)}` : ''}` }));
  const flagged = progress
    .filter((one) => one.extremeWindow.length > 0)
    .map((one) => ({
      target: one.target,
      text: `${one.state === 'ready' ? 'model learned' : 'learning'} a saturated window (${one.extremeWindow.map((finding) => finding.text).join('; ')}): saturation may look normal to it`,
    }));
  const ready = progress.filter((one) => one.state === 'ready' && one.extremeWindow.length === 0).length;
  return { learning, flagged, ready };
}

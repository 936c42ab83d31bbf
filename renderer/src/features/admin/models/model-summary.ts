import type { AnomalyModel, AnomalyStatus } from '../../../../../shared/api/anomaly.ts';

export interface TargetModels {
  target: string;
  /** Sample rows the target has to train on. */
  rows: number;
  active: AnomalyModel | null;
  candidate: AnomalyModel | null;
  /** Newest first: every version the target has had. */
  versions: AnomalyModel[];
  /** A retired model other than the active one still has its model (not pruned): rolling back has somewhere to go. */
  canRollBack: boolean;
  /** A target wider than a model takes: `scores 84 of 20,000 series` (the others are not scored); null otherwise. */
  scoredText: string | null;
}

/** One row per target from the status (its inventory) and the registry (its versions), sorted by target. */
export function modelsByTarget(status: AnomalyStatus, models: readonly AnomalyModel[]): TargetModels[] {
  const rowsOf = new Map(status.targets.map((one) => [one.target, one.rows]));
  const widthOf = new Map(status.targets.map((one) => [one.target, one]));
  const targets = new Set([...rowsOf.keys(), ...models.map((model) => model.target)]);
  return [...targets].sort((a, b) => a.localeCompare(b)).map((target) => {
    const versions = models.filter((model) => model.target === target).sort((a, b) => b.version - a.version);
    const active = versions.find((model) => model.state === 'active') ?? null;
    return {
      target,
      rows: rowsOf.get(target) ?? 0,
      active,
      candidate: versions.find((model) => model.state === 'candidate') ?? null,
      versions,
      canRollBack: versions.some((model) => model.state === 'retired' && !model.prunedAt && model.id !== active?.id),
      scoredText: scoredText(widthOf.get(target)),
    };
  });
}

/** `97% of 120 samples`, or why there is no figure yet. */
export function shadowText(candidate: AnomalyModel): string {
  const { agreement, samples } = candidate.shadow;
  if (samples === 0 || agreement === null) return 'no shadow samples yet';
  return `${Math.round(agreement * 1000) / 10}% agreement over ${samples} sample${samples === 1 ? '' : 's'}`;
}

/** `scores 84 of 20,000 series` for a target scored on some of its series (the API says so only then). */
function scoredText(status: AnomalyStatus['targets'][number] | undefined): string | null {
  if (status?.series === undefined || status.scoredSeries === undefined) return null;
  return `scores ${status.scoredSeries.toLocaleString('en')} of ${status.series.toLocaleString('en')} series`;
}

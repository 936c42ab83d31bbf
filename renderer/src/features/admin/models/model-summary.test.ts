import { describe, expect, it } from 'vitest';
import type { AnomalyModel } from '../../../../../shared/api/anomaly.ts';
import { modelsByTarget, shadowText } from './model-summary.ts';

const model = (id: number, target: string, version: number, state: AnomalyModel['state'], shadow: Partial<AnomalyModel['shadow']> = {}): AnomalyModel => ({
  id,
  target,
  version,
  state,
  createdAt: id,
  createdBy: 'admin',
  trainedFrom: 0,
  trainedTo: 1,
  trainRows: 100,
  params: {},
  scoreDistribution: { quantiles: [], threshold: 0.6 },
  evaluation: {},
  bytes: 10,
  activatedAt: null,
  retiredAt: null,
  shadow: { samples: 0, agreement: null, candidateAlarms: 0, activeAlarms: 0, meanAbsScoreDiff: null, ...shadow },
});

describe('models by target', () => {
  it('finds the active model, the candidate and whether a rollback has somewhere to go', () => {
    const status = { targets: [{ target: 'web-2', rows: 50, activeModelId: null, candidateModelId: null }, { target: 'web-1', rows: 900, activeModelId: 2, candidateModelId: 3 }], pool: { threads: 1, completed: 0, failures: 0, queueSize: 0 }, modelLoadFailures: 0, scoringFailures: 0 };
    const rows = modelsByTarget(status, [model(1, 'web-1', 1, 'retired'), model(2, 'web-1', 2, 'active'), model(3, 'web-1', 3, 'candidate', { samples: 120, agreement: 0.975 })]);
    expect(rows.map((row) => row.target)).toEqual(['web-1', 'web-2']);
    expect(rows[0]).toMatchObject({ rows: 900, active: { version: 2 }, candidate: { version: 3 }, canRollBack: true });
    expect(rows[0]?.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(rows[1]).toMatchObject({ rows: 50, active: null, candidate: null, canRollBack: false });
    expect(shadowText(rows[0]!.candidate!)).toBe('97.5% agreement over 120 samples');
    expect(shadowText(model(4, 'x', 1, 'candidate'))).toBe('no shadow samples yet');
  });

  it('says how many of a very wide target\'s series are scored, and nothing for the others', () => {
    const status = { targets: [{ target: 'ksm:8080', rows: 9, activeModelId: null, candidateModelId: null, series: 20_000, scoredSeries: 84 }, { target: 'web-1', rows: 9, activeModelId: null, candidateModelId: null }], pool: { threads: 1, completed: 0, failures: 0, queueSize: 0 }, modelLoadFailures: 0, scoringFailures: 0 };
    expect(modelsByTarget(status, []).map((row) => row.scoredText)).toEqual(['scores 84 of 20,000 series', null]);
  });

  it('offers no roll-back when every retired version of the target was pruned', () => {
    const status = { targets: [{ target: 'web-1', rows: 900, activeModelId: 2, candidateModelId: null }], pool: { threads: 1, completed: 0, failures: 0, queueSize: 0 }, modelLoadFailures: 0, scoringFailures: 0 };
    const pruned = { ...model(1, 'web-1', 1, 'retired'), prunedAt: 5 };
    expect(modelsByTarget(status, [pruned, model(2, 'web-1', 2, 'active')])[0]).toMatchObject({ canRollBack: false });
    expect(modelsByTarget(status, [pruned, model(2, 'web-1', 2, 'active'), { ...model(3, 'web-1', 3, 'retired'), prunedAt: null }])[0]).toMatchObject({ canRollBack: true });
  });
});

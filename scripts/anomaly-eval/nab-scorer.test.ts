import { describe, expect, it } from 'vitest';
import { probationaryLength, scaledSigmoid, scoreCorpus, type ScoredFile } from './nab-scorer.ts';
import { rocAuc, windowCounts } from './metrics.ts';

const windows = [
  { start: 400, end: 449 },
  { start: 700, end: 749 },
];

function file(fire: number[]): ScoredFile {
  const scores = new Float64Array(1_000);
  for (const i of fire) scores[i] = 1;
  return { name: 'f.csv', scores, windows };
}

describe('NAB scoring', () => {
  it('has the probationary period and scaled sigmoid of NAB', () => {
    expect(probationaryLength(1_000)).toBe(150);
    expect(probationaryLength(10_000)).toBe(750);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.9866, 4);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3.5)).toBe(-1);
  });

  it('gives 100 to the perfect detector and 0 to the null detector', () => {
    const perfect = scoreCorpus([file([400, 700])]);
    for (const p of perfect) expect(p.normalisedScore).toBeCloseTo(100, 6);
    const nothing = scoreCorpus([file([])]);
    for (const p of nothing) expect(p.normalisedScore).toBeCloseTo(0, 6);
  });

  it('rewards an early detection more than a late one and charges false positives by profile', () => {
    const [early] = scoreCorpus([file([405])]);
    const [late] = scoreCorpus([file([445])]);
    expect(early!.normalisedScore).toBeGreaterThan(late!.normalisedScore);
    // One window found at its start, one missed, one false positive with no window before it.
    const results = scoreCorpus([file([400, 200])]);
    const standard = results.find((p) => p.profile === 'standard')!;
    // Both rows score 1, so no threshold keeps the window without the false positive.
    expect(standard.rawScore).toBeCloseTo(1 - 1 - 0.11, 6);
    const lowFp = results.find((p) => p.profile === 'reward_low_FP_rate')!;
    expect(lowFp.rawScore).toBeCloseTo(1 - 1 - 0.22, 6);
  });

  it('counts a window inside the probationary period in the perfect score, as nab/runner.py does', () => {
    const scores = new Float64Array(1_000);
    scores[400] = 1;
    const [standard] = scoreCorpus([{ name: 'f.csv', scores, windows: [{ start: 50, end: 80 }, { start: 400, end: 449 }] }]);
    // S = 1 (found), S_null = -1 (the scorable window missed), S_perfect = 2 windows x 1.
    expect(standard!.normalisedScore).toBeCloseTo((100 * 2) / 3, 6);
  });

  it('ignores detections in the probationary period', () => {
    const [standard] = scoreCorpus([file([100, 400, 700])]);
    expect(standard!.normalisedScore).toBeCloseTo(100, 6);
  });
});

describe('point and window metrics', () => {
  it('computes ROC-AUC with ties', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5);
  });

  it('counts windows found and alarm events', () => {
    const alarm = new Array<boolean>(1_000).fill(false);
    alarm[410] = alarm[411] = alarm[412] = true;
    alarm[600] = true;
    expect(windowCounts(alarm, windows, 150)).toEqual({ windows: 2, detectedWindows: 1, alarms: 2, alarmsInWindows: 1 });
  });
});

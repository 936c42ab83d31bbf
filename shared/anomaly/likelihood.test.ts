import { describe, expect, it } from 'vitest';
import { AnomalyLikelihood, erfc, likelihoodThreshold, logLikelihood, tailProbability } from './likelihood.ts';
import { createRandom } from './prng.ts';

describe('anomaly likelihood', () => {
  it('uses an accurate normal tail', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(tailProbability(3)).toBeCloseTo(0.0013499, 6);
    expect(tailProbability(-2)).toBe(0.5);
  });

  it('maps likelihood to a log scale where each extra nine counts the same', () => {
    expect(logLikelihood(0.99)).toBeCloseTo(0.2, 6);
    expect(logLikelihood(0.99999)).toBeCloseTo(0.5, 6);
    expect(logLikelihood(1)).toBe(1);
    expect(likelihoodThreshold(1e-5)).toBeCloseTo(0.5, 6);
  });

  it('stays near 0.5 on usual scores and rises on a sustained departure', () => {
    const random = createRandom(4);
    const l = new AnomalyLikelihood({ learningPeriod: 50 });
    let usual = 0;
    for (let i = 0; i < 500; i++) usual = Math.max(usual, l.update(0.45 + 0.05 * random.next()));
    expect(usual).toBeLessThan(0.999);
    let high = 0;
    for (let i = 0; i < 10; i++) high = l.update(0.8);
    expect(high).toBeGreaterThan(0.99999);
  });

  it('reports 0.5 while it is still learning', () => {
    const l = new AnomalyLikelihood({ learningPeriod: 20 });
    for (let i = 0; i < 20; i++) expect(l.update(i === 10 ? 1 : 0.4)).toBe(0.5);
  });
});

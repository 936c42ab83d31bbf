import { describe, expect, it } from 'vitest';
import { FeatureBuilder, featureInfo, featureSpec } from './features.ts';

const MINUTE = 60_000;

describe('FeatureBuilder', () => {
  const spec = featureSpec(['cpu'], { scales: [{ label: '1 h', seconds: 3_600 }, { label: '24 h', seconds: 86_400 }] });

  it('names its features in order', () => {
    expect(featureInfo(spec).map((f) => f.name)).toEqual(['cpu', 'cpu z 1 h', 'cpu z 24 h', 'cpu delta', 'cpu volatility']);
    expect(featureInfo(featureSpec(['a'], { timeOfDay: true, scales: [] })).map((f) => f.kind)).toEqual(['value', 'delta', 'time', 'time']);
  });

  it('is causal: a spike is measured against a baseline that does not include it', () => {
    const builder = new FeatureBuilder(spec);
    for (let i = 0; i < 600; i++) builder.push(i * MINUTE, { cpu: 10 + (i % 2) });
    const spike = builder.push(600 * MINUTE, { cpu: 60 });
    // Baseline mean ~10.5, sd ~0.5: a value of 60 is about 100 sd away, clipped at 50.
    expect(spike[1]).toBe(50);
    expect(spike[3]).toBeCloseTo(60 - 11, 9);
    const after = builder.push(601 * MINUTE, { cpu: 10 });
    expect(after[1]).toBeLessThan(0);
  });

  it('carries a missing value forward instead of reading it as zero', () => {
    const builder = new FeatureBuilder(spec);
    for (let i = 0; i < 100; i++) builder.push(i * MINUTE, { cpu: 50 + (i % 3) });
    const gap = builder.push(100 * MINUTE, {});
    expect(gap[0]).toBe(builder.push(101 * MINUTE, { cpu: Number.NaN })[0]);
    expect(gap[3]).toBe(0);
    expect(Math.abs(gap[2]!)).toBeLessThan(3);
  });

  it('gives the same features for the same samples', () => {
    const a = new FeatureBuilder(spec);
    const b = new FeatureBuilder(spec);
    for (let i = 0; i < 50; i++) expect(a.push(i * MINUTE, { cpu: Math.sin(i) })).toEqual(b.push(i * MINUTE, { cpu: Math.sin(i) }));
  });
});

import { describe, expect, it } from 'vitest';
import { SpikeBaseline, SpikeTail } from './spike.ts';
import { StreamingDetector, type DetectionResult } from './detector.ts';
import { createRandom } from './prng.ts';
import { tailProbability } from './likelihood.ts';
import { ValueLattice } from './value-lattice.ts';
import { OwnScale } from './own-scale.ts';

function gaussian(random: { next(): number }): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

describe('SpikeTail', () => {
  it('on Gaussian z-scores gives the Gaussian two-sided tail beyond 3σ within an order of magnitude (an exponential tail is heavier)', () => {
    const tail = new SpikeTail();
    const random = createRandom(3);
    for (let i = 0; i < 4_000; i++) tail.update(gaussian(random));
    const p4 = tail.tail(4);
    const exact = 2 * tailProbability(4);
    expect(p4).toBeGreaterThan(exact / 3);
    expect(p4).toBeLessThan(exact * 10);
    expect(tail.tail(2)).toBe(1);
    expect(tail.tail(6)).toBeLessThan(1e-5);
  });

  it('needs a larger z to call the same probability on a heavy-tailed metric', () => {
    const gaussianTail = new SpikeTail();
    const heavyTail = new SpikeTail();
    const random = createRandom(4);
    for (let i = 0; i < 4_000; i++) {
      gaussianTail.update(gaussian(random));
      // Student-t-like: a Gaussian over the root of a chi-square with 3 degrees of freedom.
      const chi = (gaussian(random) ** 2 + gaussian(random) ** 2 + gaussian(random) ** 2) / 3;
      heavyTail.update(gaussian(random) / Math.sqrt(chi));
    }
    expect(heavyTail.tail(5)).toBeGreaterThan(10 * gaussianTail.tail(5));
  });

  it('reports the probability of a value before learning from it', () => {
    const tail = new SpikeTail();
    const before = tail.tail(5);
    expect(tail.update(5)).toBe(before);
    expect(tail.tail(5)).toBeGreaterThan(before);
  });
});

describe('SpikeBaseline', () => {
  it('reads a 4σ sample after three days of Gaussian samples close to z = 4, judged before it joins', () => {
    const random = createRandom(11);
    const errors: number[] = [];
    for (let trial = 0; trial < 200; trial++) {
      const baseline = new SpikeBaseline();
      for (let i = 0; i < 864; i++) baseline.update(50 + 3 * gaussian(random), 50);
      errors.push(baseline.update(50 + 4 * 3, 50) - 4);
    }
    const rms = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
    // Most of the error is the spread's: about 3 / sqrt(n) with n effective samples.
    expect(rms).toBeLessThan(0.2);
    expect(Math.abs(errors.reduce((s, e) => s + e, 0) / errors.length)).toBeLessThan(0.1);
  });

  it('gives 0 for the first sample and clips at the limit', () => {
    const baseline = new SpikeBaseline();
    expect(baseline.update(10, 50)).toBe(0);
    for (let i = 0; i < 100; i++) baseline.update(10 + (i % 2), 50);
    expect(baseline.update(1e6, 50)).toBe(50);
  });
});

describe('spike alarms', () => {
  it('lead their explanation with the one-sample reason in words, then the per-feature attribution', () => {
    const random = createRandom(12);
    // Without the range breakout, which would claim an 8σ sample first.
    const detector = new StreamingDetector({ metrics: ['cpu', 'latency'], breakoutMargin: false });
    const start = Date.UTC(2026, 0, 5);
    let alarm: DetectionResult | undefined;
    for (let i = 0; i < 700; i++) {
      const spike = i === 650;
      const r = detector.push(start + i * 300_000, { cpu: 40 + 2 * gaussian(random) + (spike ? 16 : 0), latency: 100 + 5 * gaussian(random) });
      if (spike) alarm = r;
    }
    expect(alarm?.isAnomaly).toBe(true);
    expect(alarm?.cause).toBe('spike');
    expect(alarm?.explanation?.summary).toMatch(/^cpu one sample [\d.]+σ above its usual level \(the last 864 samples\); /);
    expect(alarm?.explanation?.features.length).toBeGreaterThan(0);
  });
});

describe('ValueLattice', () => {
  it('gives a discrete metric the frequency of values at least as extreme, and a continuous one nothing', () => {
    const queue = new ValueLattice(4_032);
    const random = createRandom(6);
    for (let i = 0; i < 500; i++) queue.learn(random.next() < 0.9 ? 0 : random.next() < 0.9 ? 1 : 3);
    // A 3 is read now and then (about 1 %), a 7 never; nearly every value is 0 or less.
    expect(queue.frequency(3, true)).toBeGreaterThan(0.003);
    expect(queue.frequency(7, true)).toBe(0);
    expect(queue.frequency(0, false)).toBeGreaterThan(0.8);
    const noise = new ValueLattice(4_032);
    for (let i = 0; i < 500; i++) noise.learn(20 + gaussian(random));
    expect(noise.frequency(20, true)).toBe(0);
  });

  it('reads the next lattice step beyond its extreme as often as the extreme, two steps as never; one value has no step', () => {
    const queue = new ValueLattice(4_032);
    const random = createRandom(7);
    for (let i = 0; i < 500; i++) queue.learn(random.next() < 0.9 ? 0 : random.next() < 0.9 ? 1 : 2);
    expect(queue.frequency(3, true)).toBeCloseTo(queue.frequency(2, true), 12);
    expect(queue.frequency(3, true)).toBeGreaterThan(0);
    expect([queue.frequency(4, true), queue.frequency(-1, false) > 0, queue.frequency(-2, false)]).toEqual([0, true, 0]);
    const constant = new ValueLattice(4_032);
    for (let i = 0; i < 100; i++) constant.learn(4);
    expect([constant.frequency(5, true), constant.frequency(0, false)]).toEqual([0, 0]);
  });
});

describe('OwnScale', () => {
  function fed(value: (i: number) => number, samples = 300): OwnScale {
    const scale = new OwnScale(4_032);
    for (let i = 0; i < samples; i++) scale.learn(value(i));
    return scale;
  }

  it('judges a positive metric with a heavy right tail in logs, a Gaussian one (near zero or not) and one that reads 0 in values', () => {
    const random = createRandom(21);
    // A latency: log-normal, 2 % of samples 3-5x.
    const latency = () => 200 * Math.exp(0.3 * gaussian(random)) * (random.next() < 0.02 ? 3 + 2 * random.next() : 1);
    expect(fed(latency).inLogs).toBe(true);
    expect(fed(() => 10 + 3 * gaussian(random)).inLogs).toBe(false);
    expect(fed(() => 1e12 + 1e9 * gaussian(random)).inLogs).toBe(false);
    // The same latency with one 0 in memory (a scrape that read nothing): logs cannot take it.
    expect(fed((i) => (i === 100 ? 0 : latency())).inLogs).toBe(false);
  });
});

describe('spike alarms of a metric judged in logs', () => {
  function spikeAt850(logScale?: boolean): DetectionResult | undefined {
    const random = createRandom(22);
    const detector = new StreamingDetector({ metrics: ['p99_ms'], breakoutMargin: false, seasonalMember: false, ...(logScale === undefined ? {} : { logScale }) });
    const start = Date.UTC(2026, 0, 5);
    let alarm: DetectionResult | undefined;
    for (let i = 0; i < 900; i++) {
      const slow = random.next() < 0.02 ? 3 + 2 * random.next() : 1;
      const r = detector.push(start + i * 300_000, { p99_ms: 200 * Math.exp(0.3 * gaussian(random)) * (i === 850 ? 40 : slow) });
      if (i === 850) alarm = r;
    }
    return alarm;
  }

  it('read as a ratio to the usual level, with the σ of the logs (logScale: false, the ablation, reads σ of the values)', () => {
    expect(spikeAt850(false)?.explanation?.summary).toMatch(/^p99_ms one sample more than 50σ above its usual level \(the last 864 samples\); /);
    const alarm = spikeAt850();
    expect(alarm?.cause).toBe('spike');
    expect(alarm?.explanation?.summary).toMatch(/^p99_ms one sample \d+ times its usual level, [\d.]+σ above it on a log scale \(the last 864 samples\); p99_ms more than 50σ above its 24 h mean$/);
  });
});

import { describe, expect, it } from 'vitest';
import { StreamingDetector } from './detector.ts';
import { createRandom } from './prng.ts';

const FIVE_MINUTES = 300_000;

function noisy(seed: number) {
  const random = createRandom(seed);
  return () => random.next() - 0.5;
}

describe('StreamingDetector and explanations', () => {
  it('is not ready before its first model, then flags a planted cpu spike and names cpu', () => {
    const detector = new StreamingDetector({ metrics: ['cpu', 'network_in'], minTrainRows: 500, retrainEvery: 0 });
    const cpu = noisy(1);
    const net = noisy(2);
    const t0 = Date.UTC(2026, 0, 1);
    let firstReady = -1;
    let falseAlarms = 0;
    for (let i = 0; i < 1_500; i++) {
      const r = detector.push(t0 + i * FIVE_MINUTES, { cpu: 40 + 4 * cpu(), network_in: 1e6 + 5e4 * net() });
      if (r.ready && firstReady < 0) firstReady = i;
      if (r.isAnomaly) falseAlarms++;
    }
    expect(firstReady).toBe(500);
    expect(falseAlarms).toBeLessThan(3);

    const spike = detector.push(t0 + 1_500 * FIVE_MINUTES, { cpu: 95, network_in: 1e6 });
    expect(spike.isAnomaly).toBe(true);
    const explanation = spike.explanation!;
    expect(explanation.metrics[0]!.metric).toBe('cpu');
    expect(explanation.metrics[0]!.status).toBe('above');
    expect(explanation.metrics[0]!.sigma).toBeGreaterThan(10);
    expect(explanation.metrics.find((m) => m.metric === 'network_in')!.status).toBe('normal');
    // A range breakout: its words (value, training range) lead, then the forest's attribution.
    expect(spike.cause).toBe('breakout');
    expect(explanation.summary).toMatch(/^cpu 95, above anything in its training window \(highest \d+(\.\d+)?\); cpu (\d+\.\d|more than 50)σ above its 24 h mean, network_in normal$/);
    expect(explanation.features[0]!.metric).toBe('cpu');
  });

  it('pages once for a sustained shift: the refractory period silences the samples that do not score higher', () => {
    const detector = new StreamingDetector({ metrics: ['cpu'], minTrainRows: 300, retrainEvery: 0 });
    const cpu = noisy(3);
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 800; i++) detector.push(t0 + i * FIVE_MINUTES, { cpu: 40 + cpu() });
    const results = [];
    for (let i = 800; i < 830; i++) results.push(detector.push(t0 + i * FIVE_MINUTES, { cpu: 70 }));
    expect(results.filter((r) => r.isAnomaly)).toHaveLength(1);
    expect(results[0]!.breakout).toBe('cpu');
    expect(results[0]!.isAnomaly).toBe(true);
  });

  it('still pages for a different metric breaking out during the refractory period', () => {
    const detector = new StreamingDetector({ metrics: ['cpu', 'disk'], minTrainRows: 300, retrainEvery: 0 });
    const cpu = noisy(5);
    const disk = noisy(6);
    const t0 = Date.UTC(2026, 0, 1);
    let i = 0;
    for (; i < 800; i++) detector.push(t0 + i * FIVE_MINUTES, { cpu: 40 + cpu(), disk: 10 + disk() });
    const cpuSpike = detector.push(t0 + i++ * FIVE_MINUTES, { cpu: 90, disk: 10 });
    const cpuAgain = detector.push(t0 + i++ * FIVE_MINUTES, { cpu: 95, disk: 10 });
    const diskSpike = detector.push(t0 + i * FIVE_MINUTES, { cpu: 40, disk: 60 });
    expect([cpuSpike.isAnomaly, cpuAgain.isAnomaly, diskSpike.isAnomaly]).toEqual([true, false, true]);
    expect(diskSpike.breakout).toBe('disk');
    expect(diskSpike.explanation!.summary).toMatch(/^disk .*above its 24 h mean/);
  });
});

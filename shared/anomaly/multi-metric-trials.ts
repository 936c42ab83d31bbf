import { StreamingDetector, type DetectorOptions } from './detector.ts';
import { createRandom } from './prng.ts';

/**
 * Multi-metric trials (docs/anomaly.md): a target with `metrics` Gaussian metrics sampled
 * every 5 minutes for 3 days (the first day trains the first model). In a spike trial one
 * metric, chosen at random, reads mean + `sigma` standard deviations for one sample at a
 * random time in the last two days; in a noise trial nothing is disturbed. A spike is found
 * when the detector alarms on that sample; a false alarm is an alarm event (a run of
 * alarming samples) anywhere in a noise trial or away from the spike in a spike trial.
 */
export interface TrialFigures {
  trials: number;
  found: number;
  falseAlarms: number;
}

const STEP_MS = 300_000;
const ROWS = 864;
const TRAIN_ROWS = 288;

function gaussian(random: { next(): number }): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

export function runTrials(metrics: number, sigma: number | null, trials: number, seed: number, options: Partial<DetectorOptions> = {}): TrialFigures {
  const names = Array.from({ length: metrics }, (_, m) => `m${m}`);
  let found = 0;
  let falseAlarms = 0;
  for (let t = 0; t < trials; t++) {
    const random = createRandom(seed * 1_000 + t);
    const detector = new StreamingDetector({ metrics: names, forest: { seed: 1 + t }, ...options });
    const spikeRow = sigma === null ? -1 : TRAIN_ROWS + 1 + random.int(ROWS - TRAIN_ROWS - 1);
    const spikeMetric = random.int(metrics);
    const start = Date.UTC(2026, 0, 5);
    let previous = false;
    for (let i = 0; i < ROWS; i++) {
      const values: Record<string, number> = {};
      names.forEach((name, m) => {
        // Each metric its own level and spread, so nothing depends on a shared scale.
        const mean = 20 + 10 * m;
        const sd = 1 + m;
        values[name] = i === spikeRow && m === spikeMetric ? mean + sigma! * sd : mean + sd * gaussian(random);
      });
      const r = detector.push(start + i * STEP_MS, values);
      if (i === spikeRow) {
        if (r.isAnomaly) found++;
      } else if (r.isAnomaly && !previous && !(i === spikeRow + 1)) {
        falseAlarms++;
      }
      previous = r.isAnomaly;
    }
  }
  return { trials, found, falseAlarms };
}

import { describe, expect, it } from 'vitest';
import { StreamingDetector, type DetectionResult, type DetectorOptions } from './detector.ts';
import { createRandom } from './prng.ts';

const STEP = 300_000;
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5);

/**
 * A daily square wave (high from 08:00 to 18:00) with a little noise, 12 days at 5 minutes;
 * on day 10 the high phase does not come. Every value stays inside the range and near the
 * trailing mean the forest and the spike member judge by: only the time of day is wrong.
 */
function run(options: Partial<DetectorOptions> = {}): { t: number; r: DetectionResult }[] {
  const random = createRandom(5);
  const detector = new StreamingDetector({ metrics: ['requests'], ...options });
  const out: { t: number; r: DetectionResult }[] = [];
  for (let t = START; t < START + 12 * DAY; t += STEP) {
    const hour = ((t - START) % DAY) / 3_600_000;
    const missed = t >= START + 10 * DAY && t < START + 11 * DAY;
    const high = hour >= 8 && hour < 18 && !missed;
    out.push({ t, r: detector.push(t, { requests: (high ? 80 : 20) + 2 * random.next() }) });
  }
  return out;
}

const inMissedPhase = ({ t }: { t: number }) => t >= START + 10 * DAY + 8 * 3_600_000 && t < START + 10 * DAY + 18 * 3_600_000;

describe('seasonal member', () => {
  it('pages when a daily pattern fails to come, with the reason in plain words', () => {
    const alarms = run().filter(({ r }) => r.isAnomaly);
    const seasonal = alarms.filter(inMissedPhase).filter(({ r }) => r.cause === 'seasonal');
    expect(seasonal.length).toBeGreaterThan(0);
    expect(seasonal[0]!.r.explanation?.summary).toMatch(/^requests (more than )?[\d.]+ times its usual deviation below its usual level for this time of day; /);
    // Per-feature attribution is still there.
    expect(seasonal[0]!.r.explanation?.features.length).toBeGreaterThan(0);
    // The regular days page not at all once the profile is learnt (day 3 on).
    expect(alarms.filter(({ t }) => t >= START + 3 * DAY && t < START + 10 * DAY + 8 * 3_600_000)).toEqual([]);
  });

  it('is what finds it: without it the same day does not page', () => {
    expect(run({ seasonalMember: false }).filter(inMissedPhase).filter(({ r }) => r.isAnomaly)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { generateShape, runShape, type ShapeAlarm, type ShapeRun } from './on-call-shapes.ts';

// Shapes of on-call metrics (docs/anomaly.md, "Shapes"): what an engineer expects of each,
// and the figures the table there gives (seeds 1-8). One seed keeps the file to a few seconds.
const SEEDS = [1];

function runs(name: string, incident = false, seeds = SEEDS): ShapeRun[] {
  return seeds.map((seed) => runShape(generateShape(name, seed, incident)));
}

const falseAlarms = (all: ShapeRun[]) => all.flatMap((r) => r.falseAlarms);

/**
 * The explanation's words agree with the numbers: a breakout "above" names a value above
 * the highest it quotes ("below": under the lowest), and nothing reads NaN, Infinity or
 * undefined (a NaN sample carries the last value, it is never shown).
 */
function expectPlainWords(alarm: ShapeAlarm): void {
  expect(alarm.summary).not.toMatch(/NaN|Infinity|undefined/);
  const above = /^\S+ (-?[\d.e-]+), above anything in its training window \(highest (-?[\d.e-]+)\)/.exec(alarm.summary);
  if (above) expect(Number(above[1])).toBeGreaterThan(Number(above[2]));
  const below = /^\S+ (-?[\d.e-]+), below anything in its training window \(lowest (-?[\d.e-]+)\)/.exec(alarm.summary);
  if (below) expect(Number(below[1])).toBeLessThan(Number(below[2]));
  // A jump: the change it quotes is larger than the largest it says the window held.
  const jump = /^\S+ (rose|fell) by ([\d.e-]+) in one sample \(from (-?[\d.e-]+) to (-?[\d.e-]+)\), more than any change in its training window \(largest (rise|fall) ([\d.e-]+)\)/.exec(alarm.summary);
  if (jump) {
    expect(Number(jump[2])).toBeGreaterThan(Number(jump[6]));
    expect(jump[1] === 'rose').toBe(Number(jump[4]) > Number(jump[3]));
  }
}

describe('on-call shapes', () => {
  it('pages nothing on shapes with nothing to find: constant, counter rates with resets, sparse, 1e12, 1e-9, negative', () => {
    for (const name of ['constant', 'counter rate with resets', 'sparse, irregular, gaps of hours', 'magnitude 1e12', 'magnitude 1e-9', 'negative values']) {
      expect([name, falseAlarms(runs(name))]).toEqual([name, []]);
    }
  });

  it('a disk filling slowly and a first weekend do not page: the value crept out of its training range, its z-score did not jump', () => {
    // Both paged once a run before breakoutCrept: "disk_used_percent 45.9, above anything in
    // its training window (highest 44.7); disk_used_percent 1.7σ above its 24 h mean" six
    // hours after the first model, and the first Saturday "below anything" at 2.8σ.
    expect(falseAlarms(runs('slow trend (disk filling)'))).toEqual([]);
    expect(falseAlarms(runs('daily seasonality, quieter weekends', false, [1]))).toEqual([]);
    // A jump on the trend (a runaway log, 10 % in an hour) still pages.
    for (const run of runs('slow trend (disk filling)', true)) {
      expect(run.falseAlarms).toEqual([]);
      expect(run.found[0]?.summary).toMatch(/^disk_used_percent [\d.]+, above anything in its training window \(highest [\d.]+\); /);
    }
  });

  it('a change for good pages once, then the new level is normal', () => {
    for (const run of [...runs('constant then one change'), ...runs('step change (deploy doubles the level)'), ...runs('unit change (bytes to kilobytes)')]) {
      expect([run.shape.name, run.found.length, run.falseAlarms]).toEqual([run.shape.name, 1, []]);
      expect(run.found[0]!.cause).toBe('breakout');
    }
  });

  it('finds the incident planted in each shape, with words that agree with the numbers', () => {
    const shapes = ['constant', 'integer gauge, mostly 0', 'counter rate with resets', 'sparse, irregular, gaps of hours', 'magnitude 1e12', 'magnitude 1e-9', 'negative values', 'NaN and Inf samples', 'sawtooth (GC heap)'];
    for (const name of shapes) {
      for (const run of runs(name, true)) {
        expect([name, run.found.length > 0]).toEqual([name, true]);
        run.alarms.forEach(expectPlainWords);
      }
    }
    const [tiny] = runs('magnitude 1e-9', true, [1]);
    expect(tiny!.found[0]!.summary).toMatch(/^lock_wait_seconds [\d.]+e-9, above anything in its training window \(highest [\d.]+e-9\); /);
    const [cold] = runs('negative values', true, [1]);
    expect(cold!.found[0]!.summary).toMatch(/^freezer_celsius -[\d.]+, above anything in its training window \(highest -[\d.]+\); freezer_celsius [\d.]+σ above its 24 h mean$/);
  });

  it('an integer gauge reading a value it reads now and then pages neither member (value-lattice.ts)', () => {
    // Before: "queue_length one sample 4.8σ above its usual level" at row 339 of seed 1, a
    // spike at row 301 and a seasonal alarm at row 1301 of seed 3: a 3 in a queue of mostly 0,
    // judged by a Gaussian prior's tail instead of how often the queue reads 3.
    expect(falseAlarms(runs('integer gauge, mostly 0', false, [1, 3]))).toEqual([]);
    // A value it never read still pages: the consumer stops and the queue climbs past 10.
    for (const run of runs('integer gauge, mostly 0', true, [1, 3])) expect(run.found.length).toBeGreaterThan(0);
  });

  it('an integer gauge\'s next step beyond its first day\'s range is no breakout: the queue reads 3 now and then (value-lattice.ts)', () => {
    // Before: seed 2 paged at row 364, `queue_length 3, above anything in its training window
    // (highest 2)`: a first day without a 3, and 25 % of a range of 2 is less than the step of 1.
    expect(falseAlarms(runs('integer gauge, mostly 0', false, [2]))).toEqual([]);
    // Two steps out is still a value it never reads: the climbing queue pages, as a breakout.
    const [climb] = runs('integer gauge, mostly 0', true, [2]);
    expect(climb!.found[0]?.summary).toMatch(/^queue_length \d+, above anything in its training window \(highest \d\); /);
    climb!.alarms.forEach(expectPlainWords);
  });

  it('second-round shapes nobody tuned for: cron bursts, a DST shift and a frozen exporter page nothing, their incidents page', () => {
    for (const name of ['hourly cron bursts', 'daily cycle shifted by DST']) {
      expect([name, falseAlarms(runs(name))]).toEqual([name, []]);
      for (const run of runs(name, true)) {
        expect([name, run.falseAlarms, run.found.length > 0]).toEqual([name, [], true]);
        run.alarms.forEach(expectPlainWords);
      }
    }
    // A frozen exporter (the same value for an hour) is a value the metric knows, only
    // still: no page, and none wanted (staleness is an absent-data alert's job).
    expect(runs('frozen exporter (value repeated)', true).flatMap((r) => r.alarms)).toEqual([]);
    // A new service's launch (two days of 0, then traffic) pages once, tolerated.
    const [launch] = runs('new service launch (flat zero, then traffic)');
    expect(launch!.tolerated.map((a) => a.summary)).toEqual([expect.stringMatching(/^rate\(orders_total\) [\d.]+, above anything in its training window \(highest 0\); /)]);
    expect(launch!.falseAlarms).toEqual([]);
  });

  it('a heavy-tailed latency (log-normal, 2 % of samples 3-5x) pages no one-sample spike: its spikes are judged in logs (own-scale.ts)', () => {
    // Before: "http_p99_ms one sample 7.4σ above its usual level" at row 455 of seed 1, 431 of
    // seed 2 and 419 of seed 3: a slow sample judged on the linear scale.
    for (const run of runs('latency p99, heavy tail', false, [1, 2, 3])) expect(run.falseAlarms.filter((a) => a.cause === 'spike')).toEqual([]);
  });

  it('third-round shapes nobody tuned for, as measured (docs/anomaly.md, "Shapes")', () => {
    // A daily cycle lowered for good pages once (the seasonal member), then learns.
    const [shift] = runs('level shift with a daily cycle (stays)');
    expect([shift!.found.map((a) => a.cause), shift!.falseAlarms]).toEqual([['seasonal'], []]);
    shift!.alarms.forEach(expectPlainWords);
    // Irregular pushes with a day-long gap: nothing pages, the doubled hour does.
    const [pushes] = runs('irregular pushes with a day-long gap', true);
    expect([pushes!.falseAlarms, pushes!.found[0]?.cause]).toEqual([[], 'breakout']);
    pushes!.alarms.forEach(expectPlainWords);
    // A retry storm is found at its second burst; the quiet days' one-sample bursts of 3-6x
    // still page now and then (not met: 9 in 8 runs, the members' tails start Gaussian).
    const [storm] = runs('retry storm (bursts that grow)', true);
    expect([storm!.found[0]?.cause, storm!.falseAlarms.map((a) => [a.index, a.cause])]).toEqual(['breakout', [[457, 'seasonal']]]);
  });

  it('a slow leak\'s climb pages once, not once per cause: the forest\'s page and the breakout minutes later are one incident (incident-memory.ts)', () => {
    // Before: seed 1 paged at 603 (forest, `2.8σ above its 24 h mean`) and 610 (breakout,
    // `323, above anything in its training window`); seed 2 at 607 and 610 (forest, the
    // likelihood still climbing) and 616 (breakout). Not met: that one page (a climb is a
    // capacity alert's job), and in 3 of 8 seeds the breakout comes past the likelihood's
    // short window and pages again.
    const leaks = runs('slow memory leak ending in an OOM restart', false, [1, 2]);
    expect(leaks.map((run) => run.falseAlarms.map((a) => [a.index, a.cause]))).toEqual([[[603, 'forest']], [[607, 'forest']]]);
  });

  it('a slow leak\'s OOM restart pages once, as a jump: back to its usual level, but by a fall larger than any change it held', () => {
    // Before the jump breakout (postprocess.ts) missed in 8 of 8 runs: 300 is inside the
    // training range (the flat days) and the climb inflated every baseline's spread (24 h
    // z-score 3.9σ). Seeds 1-2 keep the file short; the table in docs/anomaly.md has 1-8.
    for (const run of runs('slow memory leak ending in an OOM restart', false, [1, 2])) {
      expect(run.found.map((a) => a.cause)).toEqual(['breakout']);
      expect(run.found[0]!.summary).toMatch(/^process_resident_mib fell by [\d.]+ in one sample \(from [\d.]+ to [\d.]+\), more than any change in its training window \(largest fall [\d.]+\); /);
      run.alarms.forEach(expectPlainWords);
    }
  });

  it('a level that changed for good is the new normal: the old level\'s return pages (level-change.ts)', () => {
    // Before: both missed in 8 of 8 runs. The spike member's baseline still held the first
    // day at 5x (or the two days at 0 before a launch) a week later, so its spread was
    // inflated and the old level's return read a few σ (the range, the forest's training
    // window and the likelihood's history hold it too).
    for (const run of runs('starts during an incident', false, [1, 2])) {
      expect(run.tolerated.map((a) => a.summary)).toEqual([expect.stringMatching(/^error_rate [\d.]+, below anything in its training window \(lowest [\d.]+\); /)]);
      expect([run.found.map((a) => a.cause), run.falseAlarms]).toEqual([['spike'], []]);
      // Positive and right-skewed (a first day at 5x), it is judged in logs (own-scale.ts).
      expect(run.found[0]!.summary).toMatch(/^error_rate one sample [\d.]+ times its usual level, [\d.]+σ above it on a log scale \(the last 864 samples\); /);
    }
    for (const run of runs('new service launch (flat zero, then traffic)', true, [1, 2])) {
      expect([run.found.map((a) => a.cause), run.falseAlarms, run.tolerated.length]).toEqual([['spike'], [], 1]);
      expect(run.found[0]!.summary).toMatch(/^rate\(orders_total\) one sample [\d.]+σ below its usual level \(the last 864 samples\); /);
    }
  });

  it('what is not met yet, pinned (docs/anomaly.md, "Shapes": not met)', () => {
    // A sawtooth's daily residual is not daily at all: the seasonal member, once (3 of 8 seeds).
    expect(falseAlarms(runs('sawtooth (GC heap)')).map((a) => a.cause)).toEqual(['seasonal']);
    // Missed: traffic stopping on a Sunday noon (within 25 % of the range below the weekend nights),
    // and a bimodal metric an hour in the gap between its states.
    expect(runs('daily seasonality, quieter weekends', true, [1])[0]!.found).toEqual([]);
    expect(runs('bimodal', true).flatMap((r) => r.found)).toEqual([]);
    // Second round, found not met: a heavy-tailed latency p99 (log-normal, 2 % of samples
    // 3-5x) still pages (10 in 8 runs of 5 days, none a spike since the third round: the
    // breakout, seasonal member and forest judge it on the linear scale), its incident is found.
    const [p99] = runs('latency p99, heavy tail', true);
    expect([p99!.falseAlarms.map((a) => [a.index, a.cause]), p99!.found.length > 0]).toEqual([[[1001, 'seasonal']], true]);
  });
});

import { describe, expect, it } from 'vitest';
import { CHANGE_HOLD, LevelChange } from './level-change.ts';
import { SpikeBaseline } from './spike.ts';

/** Feeds `values` through a baseline and a watch, as PostProcessor.observe does; the rows where a change held. */
function held(values: number[]): { row: number; centre: number }[] {
  let baseline = new SpikeBaseline();
  const watch = new LevelChange();
  const out: { row: number; centre: number }[] = [];
  values.forEach((x, row) => {
    const z = baseline.update(x, 50);
    const change = watch.observe(x, z, baseline.lastCentre, baseline.lastSpread, 50);
    if (change) {
      baseline = change.linear;
      out.push({ row, centre: change.linear.centre });
    }
  });
  return out;
}

const noisy = (level: number, n: number, offset = 0) => Array.from({ length: n }, (_, i) => level + ((i + offset) % 5) - 2);

describe('LevelChange', () => {
  it('a new level that holds for CHANGE_HOLD samples takes over, with a baseline of the new level only', () => {
    const changes = held([...noisy(250, 600), ...noisy(50, 600)]);
    expect(changes.map((c) => c.row)).toEqual([600 + CHANGE_HOLD - 1]);
    expect(changes[0]!.centre).toBeCloseTo(50, 0);
  });

  it('a spike, or an incident of hours that goes back, changes nothing', () => {
    const spikes = noisy(100, 2000).map((x, i) => (i % 97 === 50 ? 400 : x));
    const incident = [...noisy(100, 600), ...noisy(300, CHANGE_HOLD - 1), ...noisy(100, 600)];
    expect([held(spikes), held(incident)]).toEqual([[], []]);
  });

  it('a level that falls back within 3σ of the old one on the way is no change held', () => {
    // Every other hour one sample back at the old level: the watch restarts each time.
    const flicker = [...noisy(10, 600), ...noisy(90, 2 * CHANGE_HOLD).map((x, i) => (i % 12 === 11 ? 10 : x))];
    expect(held(flicker)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { LeaseWatch } from './lease-watch.ts';

const T0 = Date.UTC(2026, 0, 1);

describe('LeaseWatch', () => {
  it('takes a lapsed lease for a dead replica only once watched unrenewed for a whole lease; a look long after the previous one, or before it (the clock went back), starts the watch over', () => {
    const watch = new LeaseWatch(60_000);
    const lease = { id: 1, owner: 'a', beat: 3, until: T0 - 7_200_000 };
    expect(watch.look([lease], T0 + 10_000)).toEqual([]);
    // The process stalled (or the database was away) 40 s: nothing it saw before counts.
    expect(watch.look([lease], T0 + 50_000)).toEqual([]);
    expect(watch.look([lease], T0 + 100_000)).toEqual([]);
    // The clock went back an hour: no time can be measured across it.
    expect(watch.look([lease], T0 + 110_000 - 3_600_000)).toEqual([]);
    let now = T0 + 110_000 - 3_600_000;
    for (let i = 0; i < 5; i++) expect(watch.look([lease], (now += 10_000))).toEqual([]);
    expect(watch.look([lease], (now += 10_000))).toEqual([lease]);
    // A failed look starts it over too.
    watch.lost();
    expect(watch.look([lease], now + 10_000)).toEqual([]);
  });
});

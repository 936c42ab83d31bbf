import { describe, expect, it } from 'vitest';
import { CounterRates, isCumulativeName, isRateKey, rateKey } from './counter-rates.ts';
import { StreamingDetector } from './detector.ts';
import { createRandom } from './prng.ts';

describe('counter rates', () => {
  it('reads counters by the Prometheus naming convention', () => {
    for (const name of ['http_requests_total', 'node_cpu_seconds_total', 'rpc_duration_seconds_bucket', 'rpc_duration_seconds_count', 'rpc_duration_seconds_sum']) expect(isCumulativeName(name)).toBe(true);
    for (const name of ['node_memory_total_bytes', 'node_load1', 'queue_depth', 'node_disk_reads_per_second', 'total', 'subtotal_bytes', 'node_total_items_x']) expect(isCumulativeName(name)).toBe(false);
    expect(rateKey('requests_total{path="/"}')).toBe('rate(requests_total{path="/"})');
    expect(isRateKey(rateKey('x_total'))).toBe(true);
    expect(isRateKey('x_total')).toBe(false);
  });

  it('is the per-second increase; nothing for the first sample or a time not after the last; a decrease is a reset', () => {
    const rates = new CounterRates();
    expect(rates.rate('k', 0, 100)).toBeUndefined();
    expect(rates.rate('k', 10_000, 150)).toBe(5);
    expect(rates.rate('k', 10_000, 999)).toBeUndefined();
    expect(rates.rate('k', 5_000, 999)).toBeUndefined();
    // Restarted: counted 20 since 0.
    expect(rates.rate('k', 20_000, 20)).toBe(2);
    // Keys are apart.
    expect(rates.rate('other', 20_000, 1)).toBeUndefined();
  });

  it('turns the rate keys of rows into rates in place and leaves other metrics alone', () => {
    const key = rateKey('requests_total');
    const rows = [
      { ts: 0, values: { [key]: 10, cpu: 0.5 } },
      { ts: 60_000, values: { [key]: 70, cpu: 0.6 } },
      { ts: 120_000, values: { cpu: 0.7 } },
      { ts: 180_000, values: { [key]: 250, cpu: 0.8 } },
    ];
    new CounterRates().ratesOf(rows);
    expect(rows.map((r) => r.values)).toEqual([{ cpu: 0.5 }, { [key]: 1, cpu: 0.6 }, { cpu: 0.7 }, { [key]: 1.5, cpu: 0.8 }]);
  });

  it('a steadily growing counter scored as its rate does not page; the cumulative value, a trend, creeps out of its range and does not either', () => {
    const STEP = 300_000;
    const random = createRandom(5);
    const key = rateKey('requests_total');
    const asRate = new StreamingDetector({ metrics: [key] });
    const asValue = new StreamingDetector({ metrics: ['requests_total'] });
    const rates = new CounterRates();
    let total = 0;
    const pages = { rate: 0, value: 0 };
    // Four days of ~20 requests a second with noise, at 5 minutes.
    for (let i = 0; i < 4 * 288; i++) {
      total += (20 + 2 * (random.next() - 0.5)) * 300;
      const ts = i * STEP;
      if (asValue.push(ts, { requests_total: total }).isAnomaly) pages.value++;
      const rate = rates.rate(key, ts, total);
      if (rate !== undefined && asRate.push(ts, { [key]: rate }).isAnomaly) pages.rate++;
    }
    // The cumulative value paged about once a day before a breakout that crept out of its
    // range stopped paging (breakoutCrept, docs/anomaly.md "Shapes"); the rate is still what
    // moves when something happens, and what alerts name.
    expect(pages.value).toBe(0);
    expect(pages.rate).toBe(0);
  });
});

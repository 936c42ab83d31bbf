import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { RangeResponseSchema } from '../../../shared/api/metrics.ts';
import { createRandom } from '../../../shared/anomaly/prng.ts';
import { writeRangeAnswer } from './range-json.ts';
import type { SeriesRangeColumns } from './service.ts';

function series(timestamps: number[], values: number[], extra: Partial<SeriesRangeColumns> = {}): SeriesRangeColumns {
  return { id: 7, name: 'cpu', labels: { host: 'a' }, resolution: 'raw', timestamps: Float64Array.from(timestamps), values: Float64Array.from(values), cached: false, ...extra };
}

/** What the schema serializer (JSON.stringify semantics) would have sent. */
function expected(list: SeriesRangeColumns[]): unknown {
  return JSON.parse(JSON.stringify({ series: list.map((s) => ({ id: s.id, name: s.name, labels: s.labels, resolution: s.resolution, timestamps: Array.from(s.timestamps), values: Array.from(s.values) })) }));
}

describe('writeRangeAnswer', () => {
  it('writes every kind of number so that it parses back to the very same double', () => {
    const tricky = [
      0, -0, 1, -1, 9, 10, 99, 100, 101, 0.5, -0.5, 0.1, 0.2, 0.30000000000000004, 0.734, -0.734, 1.05, 4096 * 123_457, 0.001, 0.000001, 0.0000001,
      1e21, 1e-7, 123456789.123, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1.7976931348623157e308, 5e-324, Math.PI, -Math.E, 1764600000000, 1764600043195, 39.9, 100.25, 0.07,
    ];
    const random = createRandom(42).next;
    const values = [...tricky];
    for (let i = 0; i < 5000; i++) {
      const r = random();
      // Averages of short decimals: up to six decimals written as scaled integers, trailing zeros cut.
      values.push((Math.round(r * 1000) / 1000 + Math.round(random() * 1000) / 1000 + Math.round(random() * 1000) / 1000 + Math.round(random() * 1000) / 1000) / 4, Math.round(r * 1e6) / 1e6 + 7);
      values.push(r, (r - 0.5) * 1e6, Math.round(r * 1000) / 1000, Math.round((r - 0.5) * 1e8) / 100, Math.floor(r * 2 ** 53), r * 1e-12, r * 1e300);
    }
    const list = [series(values.map((_, i) => 1764600000000 + i * 43_195), values)];
    const bytes = writeRangeAnswer(list);
    // Byte for byte what JSON.stringify writes (the schema serializer's number format).
    expect(bytes.toString('utf8')).toBe(JSON.stringify(expected(list)));
    const parsed = JSON.parse(bytes.toString('utf8')) as { series: { values: number[]; timestamps: number[] }[] };
    expect(parsed).toEqual(expected(list));
    // Bit for bit, and -0 as 0 like JSON.stringify.
    parsed.series[0]!.values.forEach((v, i) => expect(Object.is(v, values[i] === 0 ? 0 : values[i])).toBe(true));
  });

  it('writes what JSON cannot carry as null, like JSON.stringify', () => {
    const list = [series([1, 2, 3], [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])];
    expect(JSON.parse(writeRangeAnswer(list).toString())).toEqual({ series: [{ id: 7, name: 'cpu', labels: { host: 'a' }, resolution: 'raw', timestamps: [1, 2, 3], values: [null, null, null] }] });
  });

  it('escapes names and labels, and answers with the route schema, empty or with many series', () => {
    const list = [
      series([], [], { id: 1, name: 'disk_free', labels: { mount: '/var/"log"\\x', note: 'ünïcödé ✓ \u2028', empty: '' } }),
      series([1000, 2000], [1.5, -2], { id: 2, resolution: '1h' }),
    ];
    const text = writeRangeAnswer(list).toString('utf8');
    expect(JSON.parse(text)).toEqual(expected(list));
    expect(Value.Check(RangeResponseSchema, JSON.parse(text))).toBe(true);
    expect(JSON.parse(writeRangeAnswer([]).toString())).toEqual({ series: [] });
  });

  it('grows past its estimate for long names', () => {
    const long = 'x'.repeat(10_000);
    const list = [series([1], [2], { labels: { a: long, b: '€'.repeat(5000) } })];
    expect(JSON.parse(writeRangeAnswer(list).toString())).toEqual(expected(list));
  });
});

import { describe, expect, it } from 'vitest';
import { parsePromDuration, parsePromTime, parsePromValue, promSeconds } from './prom-values.ts';

describe('Prometheus values, durations and times', () => {
  it('parses the special values Prometheus sends as strings', () => {
    expect(Number.isNaN(parsePromValue('NaN'))).toBe(true);
    expect(parsePromValue('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parsePromValue('-Inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parsePromValue('1.5e+06')).toBe(1_500_000);
    expect(parsePromValue('-0.25')).toBe(-0.25);
  });

  it('parses durations and seconds, and refuses anything else', () => {
    expect(parsePromDuration('15s')).toBe(15);
    expect(parsePromDuration('1h30m')).toBe(5400);
    expect(parsePromDuration('250ms')).toBe(0.25);
    expect(parsePromDuration('60')).toBe(60);
    expect(parsePromDuration('2.5')).toBe(2.5);
    expect(Number.isNaN(parsePromDuration('soon'))).toBe(true);
    expect(Number.isNaN(parsePromDuration('5 m'))).toBe(true);
  });

  it('parses Unix seconds and RFC 3339 to ms, and writes seconds back', () => {
    expect(parsePromTime('1700000000.5')).toBe(1_700_000_000_500);
    expect(parsePromTime('2023-11-14T22:13:20Z')).toBe(1_700_000_000_000);
    expect(Number.isNaN(parsePromTime('yesterday'))).toBe(true);
    expect(promSeconds(1_700_000_000_500)).toBe('1700000000.5');
  });
});

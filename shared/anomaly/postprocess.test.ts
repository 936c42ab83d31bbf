import { describe, expect, it } from 'vitest';
import { Refractory } from './postprocess.ts';

const HOUR = 3_600_000;

describe('Refractory', () => {
  it('holds: within the period only a higher score of the same cause reports, other causes are independent', () => {
    const r = new Refractory({ seconds: 86_400, mode: 'hold' });
    expect(r.apply(0, 0.6, 'a')).toBe(0.6);
    expect(r.apply(HOUR, 0.55, 'a')).toBe(0);
    expect(r.apply(HOUR, 0.55, 'b')).toBe(0.55);
    expect(r.apply(2 * HOUR, 0.7, 'a')).toBe(0.7);
    expect(r.apply(27 * HOUR, 0.5, 'a')).toBe(0.5);
  });

  it('decays: the bar a score sets falls by the whole range per period, so a second, smaller incident later reports', () => {
    const r = new Refractory({ seconds: 86_400, mode: 'decay' });
    expect(r.apply(0, 0.6)).toBe(0.6);
    expect(r.apply(HOUR, 0.55)).toBe(0);
    // 12 h later the bar is 0.6 - 0.5 = 0.1.
    expect(r.apply(12 * HOUR, 0.45)).toBe(0.45);
  });

  it('with a reported margin, a likelihood climbing in small steps pages once, a much higher one again', () => {
    const r = new Refractory({ seconds: 86_400, mode: 'decay', reportedMargin: 0.2 });
    const step = 300_000;
    const climb = [0.2, 0.3, 0.42, 0.48, 0.55, 0.6].map((s, i) => r.apply(i * step, s));
    expect(climb.filter((s) => s > 0.4)).toEqual([0.42]);
    expect(r.apply(7 * step, 0.9)).toBe(0.9);
  });

  it('a period of 0 reports every score', () => {
    const r = new Refractory(0);
    expect([0.5, 0.5, 0.4].map((s, i) => r.apply(i, s))).toEqual([0.5, 0.5, 0.4]);
  });
});

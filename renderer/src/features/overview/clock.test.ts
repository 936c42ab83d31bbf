import { describe, expect, it } from 'vitest';
import { timeZoneLabel } from '../../lib/format.ts';
import { formatClock } from './clock.ts';

describe('formatClock', () => {
  it('names the time zone, as every time in the console does', () => {
    const at = Date.UTC(2026, 11, 6, 15, 5);
    const text = formatClock(at);
    expect(text).toMatch(/\b\d{2}:\d{2}\b/);
    expect(text.endsWith(timeZoneLabel(at))).toBe(true);
  });
});

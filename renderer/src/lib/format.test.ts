import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatTime, formatTimeTicks, timeZoneLabel } from './format.ts';

describe('time formats', () => {
  it('names the time zone in every date-time and tooltip time', () => {
    const zone = timeZoneLabel(Date.UTC(2026, 11, 2, 8, 30, 12));
    expect(zone.length).toBeGreaterThan(0);
    expect(formatDateTime(Date.UTC(2026, 11, 2, 8, 30, 12))).toContain(zone);
    expect(formatTime(Date.UTC(2026, 11, 2, 8, 30, 12))).toContain(zone);
  });

  it('never repeats a tick label when zoomed in to seconds or milliseconds', () => {
    const start = Date.UTC(2026, 11, 2, 10, 1, 0);
    const seconds = [0, 15_000, 30_000, 45_000].map((offset) => start + offset);
    const secondLabels = formatTimeTicks(seconds, 45_000);
    expect(new Set(secondLabels).size).toBe(4);
    // Zoomed into half a minute while the span reads as "minutes": still distinct.
    expect(new Set(formatTimeTicks(seconds, 20 * 60_000)).size).toBe(4);
    const millis = [0, 250, 500, 750].map((offset) => start + offset);
    expect(new Set(formatTimeTicks(millis, 1000)).size).toBe(4);
    // A wide span keeps the short form when it is enough.
    const hours = [0, 1, 2].map((h) => start + h * 3_600_000);
    const hourLabels = formatTimeTicks(hours, 3 * 3_600_000);
    expect(hourLabels.every((label) => label.length <= 5)).toBe(true);
  });
});

describe('durations', () => {
  // A step that ran for a minute and a half read "95432 ms", a ten-minute cooldown "600 s".
  it('says how long in the largest units that keep it exact', () => {
    expect(formatDuration(141)).toBe('141 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(95_432)).toBe('1 min 35 s');
    expect(formatDuration(600_000)).toBe('10 min');
    expect(formatDuration(5_400_000)).toBe('1 h 30 min');
    expect(formatDuration(2 * 86_400_000)).toBe('2 d');
    expect(formatDuration(Number.NaN)).toBe('–');
  });
});

import { describe, expect, it } from 'vitest';
import { findDurations, findPeriodEnd, findTimeRange, findUntil, untilDayMonthUnclear, untilHalfUnsaid } from './times.ts';
import { tokenize } from './tokens.ts';

/** The period a line names, as the instant it ends (ISO), at `now` in a zone `offset` minutes east of UTC. */
function periodEnd(text: string, now: string, utcOffsetMinutes = 0): string | null | undefined {
  const hit = findPeriodEnd(tokenize(text), new Set(), { now: Date.parse(now), utcOffsetMinutes });
  if (!hit) return undefined;
  return hit.at === null ? null : new Date(hit.at).toISOString();
}

/** The range a line names (ISO from and to), said at `now` (a Tuesday, noon UTC) in a zone `utcOffsetMinutes` east of UTC. */
function range(text: string, utcOffsetMinutes = 0, now = '2026-03-10T12:00:00Z'): [string, string] | null {
  const r = findTimeRange(text, tokenize(text), new Set(), { now: Date.parse(now), utcOffsetMinutes });
  return r && [new Date(r.from).toISOString(), new Date(r.to).toISOString()];
}

describe('calendar periods (findPeriodEnd)', () => {
  // 2026-03-10 is a Tuesday.
  it('ends tonight at 08:00 the next morning, and early in the morning at 08:00 the same day', () => {
    expect(periodEnd('silence db-1 for tonight', '2026-03-10T12:00:00Z')).toBe('2026-03-11T08:00:00.000Z');
    expect(periodEnd('mute web-2 overnight', '2026-03-10T23:30:00Z')).toBe('2026-03-11T08:00:00.000Z');
    expect(periodEnd('silence db-1 for the night', '2026-03-11T03:00:00Z')).toBe('2026-03-11T08:00:00.000Z');
  });

  it('ends a day at midnight and a week on Monday 00:00, in the user\'s zone', () => {
    expect(periodEnd('for the rest of the day', '2026-03-10T12:00:00Z')).toBe('2026-03-11T00:00:00.000Z');
    expect(periodEnd('until end of day', '2026-03-10T12:00:00Z')).toBe('2026-03-11T00:00:00.000Z');
    // 12:00 UTC is 21:00 in Tokyo (+9): its midnight is 15:00 UTC.
    expect(periodEnd('for today', '2026-03-10T12:00:00Z', 540)).toBe('2026-03-10T15:00:00.000Z');
    expect(periodEnd('until the end of the week', '2026-03-10T12:00:00Z')).toBe('2026-03-16T00:00:00.000Z');
    // Sunday evening in New York (-5) is Monday in UTC: the week ends at New York's Monday 00:00.
    expect(periodEnd('for the week', '2026-03-16T02:00:00Z', -300)).toBe('2026-03-16T05:00:00.000Z');
  });

  it('reads the weekend from Friday on, and refuses it earlier in the week (a silence starts now)', () => {
    expect(periodEnd('over the weekend', '2026-03-13T17:00:00Z')).toBe('2026-03-16T00:00:00.000Z');
    expect(periodEnd('for the weekend', '2026-03-15T10:00:00Z')).toBe('2026-03-16T00:00:00.000Z');
    expect(periodEnd('for the weekend', '2026-03-10T12:00:00Z')).toBeNull();
  });

  it('needs its preposition or a word that is a period alone: an alert named "weekend backup" is not one', () => {
    expect(periodEnd('silence weekend backup alerts', '2026-03-13T17:00:00Z')).toBeUndefined();
    expect(periodEnd('silence the day job alerts', '2026-03-10T12:00:00Z')).toBeUndefined();
    expect(periodEnd('for day', '2026-03-10T12:00:00Z')).toBeUndefined();
    expect(periodEnd('silence db-1 tonight', '2026-03-10T12:00:00Z')).toBe('2026-03-11T08:00:00.000Z');
  });
});

describe('a day of the month by its number ("the 8th")', () => {
  const ref = { now: Date.parse('2026-03-10T12:00:00Z'), utcOffsetMinutes: 0 };

  it('looks back to this month, or the last one when the day is still ahead', () => {
    expect(range('on the 8th')).toEqual(['2026-03-08T00:00:00.000Z', '2026-03-09T00:00:00.000Z']);
    expect(range('on the 28th')).toEqual(['2026-02-28T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
    // February has no 30th: January's.
    expect(range('on the 30th')).toEqual(['2026-01-30T00:00:00.000Z', '2026-01-31T00:00:00.000Z']);
    expect(range('since the 3rd')).toEqual(['2026-03-03T00:00:00.000Z', '2026-03-10T12:00:00.000Z']);
  });

  it('looks ahead after "until"', () => {
    const text = 'until the 12th';
    const until = findUntil(text, tokenize(text), new Set(), 0, ref);
    expect(until && new Date(until.at).toISOString().slice(0, 10)).toBe('2026-03-12');
    const past = 'until the 2nd';
    const next = findUntil(past, tokenize(past), new Set(), 0, ref);
    expect(next && new Date(next.at).toISOString().slice(0, 10)).toBe('2026-04-02');
  });

  it('leaves a date in digits that reads both day first and month first unread after "until", and says both (round 13)', () => {
    const until = (text: string) => {
      const hit = findUntil(text, tokenize(text), new Set(), 0, ref);
      return hit && new Date(hit.at).toISOString();
    };
    // chrono-node read them month first: 3 October, 3 November, 11 March as 3 November.
    expect(until('until 10/03/2026 18:00')).toBeNull();
    expect(until('till 11/03 9am')).toBeNull();
    expect(until('until 11.03.2026 09:00')).toBeNull();
    expect(untilDayMonthUnclear(tokenize('until 11/03 9am'), 0)).toBe('"11/03" could be March 11 or November 3: say the month as a word, e.g. "until March 11" or "until November 3".');
    // One reading only, or a time: read.
    expect(until('until 13/03')?.slice(0, 10)).toBe('2026-03-13');
    expect(until('until 17.30')).toBe('2026-03-10T17:30:00.000Z');
    expect(until('until March 11 9am')).toBe('2026-03-11T09:00:00.000Z');
    expect(range('since 10/03')).toBeNull();
  });

  it('takes the words after the end\'s time that say it again as the end\'s ("9am tomorrow morning", "6pm local", "17:00 my time")', () => {
    const end = (text: string) => findUntil(text, tokenize(text), new Set(), 0, ref)?.end;
    // They were left for the silence's alert name ("morning", "local", "time").
    expect(end('until 9am tomorrow morning')).toBe(4);
    expect(end('until 6pm local')).toBe(3);
    expect(end('till 17:00 my time')).toBe(4);
    // ("till 9 in the morning" was 21:00.)
    expect(findUntil('till 9 in the morning', tokenize('till 9 in the morning'), new Set(), 0, ref)?.at).toBe(Date.parse('2026-03-11T09:00:00Z'));
    // The day said before a bare hour: asked am or pm ("till tomorrow 9" asked for the unit of 9), read with its half.
    expect(findUntil('till tomorrow 9', tokenize('till tomorrow 9'), new Set(), 0, ref)).toBeNull();
    expect(untilHalfUnsaid(tokenize('till tomorrow 9'), 0)).toBe('"tomorrow 9" could be 9 am or 9 pm: say "until tomorrow 9am" or "until tomorrow 9pm".');
    expect(findUntil('until tomorrow 9 morning', tokenize('until tomorrow 9 morning'), new Set(), 0, ref)).toEqual({ at: Date.parse('2026-03-11T09:00:00Z'), end: 4 });
    // Other words after it are not its.
    expect(end('until 6pm locally patched')).toBe(2);
  });

  it('ends a silence "till friday" as that day begins on the asker\'s clock, the coming one', () => {
    const until = (text: string, utcOffsetMinutes = 0) => {
      const hit = findUntil(text, tokenize(text), new Set(), 0, { now: Date.parse('2026-03-10T12:00:00Z'), utcOffsetMinutes });
      return hit && new Date(hit.at).toISOString();
    };
    // A Tuesday at noon UTC: chrono-node's Friday was its noon, and "until tuesday" the next day's noon.
    expect(until('till friday')).toBe('2026-03-13T00:00:00.000Z');
    expect(until('until next monday')).toBe('2026-03-16T00:00:00.000Z');
    expect(until('until tuesday')).toBe('2026-03-17T00:00:00.000Z');
    expect(until('till friday eod')).toBe('2026-03-14T00:00:00.000Z');
    // In New York (UTC−5) Friday begins at 05:00 UTC; an hour said is still the hour said.
    expect(until('till friday', -300)).toBe('2026-03-13T05:00:00.000Z');
    expect(until('until friday 9am', -300)).toBe('2026-03-13T14:00:00.000Z');
  });

  it('reads a bare hour after "until" as the next time the user\'s clock shows it', () => {
    const until = (text: string, now: string, utcOffsetMinutes = 0) => {
      const hit = findUntil(text, tokenize(text), new Set(), 0, { now: Date.parse(now), utcOffsetMinutes });
      return hit && new Date(hit.at).toISOString();
    };
    // At noon "6" is this evening's; at 19:00 tomorrow morning's; "18" and "06" are the 24-hour clock's.
    expect(until('until 6', '2026-03-10T12:00:00Z')).toBe('2026-03-10T18:00:00.000Z');
    expect(until('until 6', '2026-03-10T19:00:00Z')).toBe('2026-03-11T06:00:00.000Z');
    expect(until('until 18', '2026-03-10T19:00:00Z')).toBe('2026-03-11T18:00:00.000Z');
    expect(until('until 06:30', '2026-03-10T12:00:00Z')).toBe('2026-03-11T06:30:00.000Z');
    expect(until("until 12 o'clock", '2026-03-10T12:00:00Z')).toBe('2026-03-11T00:00:00.000Z');
    // In UTC+2 at 12:00 UTC (14:00 there), "until 6" is 18:00 there, 16:00 UTC.
    expect(until('until 6', '2026-03-10T12:00:00Z', 120)).toBe('2026-03-10T16:00:00.000Z');
    // A bare hour with a day: morning or evening is not known.
    expect(until('until 6 tomorrow', '2026-03-10T12:00:00Z')).toBeNull();
  });

  it('reads a bare hour after "since" or "around" as the last time the user\'s clock showed it', () => {
    expect(range('since 6')).toEqual(['2026-03-10T06:00:00.000Z', '2026-03-10T12:00:00.000Z']);
    expect(range('since 6', 0, '2026-03-10T19:00:00Z')).toEqual(['2026-03-10T18:00:00.000Z', '2026-03-10T19:00:00.000Z']);
    // 14:00 in UTC+2: 06:00 there is 04:00 UTC.
    expect(range('since 6', 120)).toEqual(['2026-03-10T04:00:00.000Z', '2026-03-10T12:00:00.000Z']);
    expect(range('around 3')).toEqual(['2026-03-10T02:00:00.000Z', '2026-03-10T04:00:00.000Z']);
    expect(range('since 6 pm')).toEqual(['2026-03-09T18:00:00.000Z', '2026-03-10T12:00:00.000Z']);
  });

  it('leaves "the 8th of march" to chrono-node, which reads the month', () => {
    expect(range('on the 8th of february')).toEqual(['2026-02-08T00:00:00.000Z', '2026-02-09T00:00:00.000Z']);
  });
});

describe('ranges of hours (findTimeRange)', () => {
  it('puts "between … and …" on the day said before it, the first hour taking the second\'s am/pm', () => {
    expect(range('yesterday between 2pm and 4pm')).toEqual(['2026-03-09T14:00:00.000Z', '2026-03-09T16:00:00.000Z']);
    expect(range('yesterday between 2 and 4pm')).toEqual(['2026-03-09T14:00:00.000Z', '2026-03-09T16:00:00.000Z']);
    expect(range('between 9 and 11')).toEqual(['2026-03-10T09:00:00.000Z', '2026-03-10T11:00:00.000Z']);
    // Said at 08:00 in New York (-5): yesterday there is March 9th.
    expect(range('yesterday between 1am and 3am', -300, '2026-03-10T13:00:00Z')).toEqual(['2026-03-09T06:00:00.000Z', '2026-03-09T08:00:00.000Z']);
  });

  it('keeps an end said without a day on the start\'s day, the next one when it is earlier', () => {
    expect(range('last monday 10am to noon')).toEqual(['2026-03-09T10:00:00.000Z', '2026-03-09T12:00:00.000Z']);
    expect(range('monday from 10pm to 2am')).toEqual(['2026-03-09T22:00:00.000Z', '2026-03-10T02:00:00.000Z']);
  });

  it('reads a part of a day as its span', () => {
    expect(range('yesterday afternoon')).toEqual(['2026-03-09T12:00:00.000Z', '2026-03-09T18:00:00.000Z']);
    expect(range('yesterday evening')).toEqual(['2026-03-09T18:00:00.000Z', '2026-03-10T00:00:00.000Z']);
    // Still under way: until now.
    expect(range('this morning', 0, '2026-03-10T09:30:00Z')).toEqual(['2026-03-10T06:00:00.000Z', '2026-03-10T09:30:00.000Z']);
  });
});

describe('durations of several parts (findDurations)', () => {
  const durations = (text: string) => findDurations(tokenize(text), new Set()).map((d) => d.ms / 60_000);

  it('joins parts side by side or joined by "and", each smaller than the one before', () => {
    expect(durations('for 1h 30m')).toEqual([90]);
    expect(durations('for 1h30m')).toEqual([90]);
    expect(durations('2 hours 15 minutes')).toEqual([135]);
    expect(durations('1 hour and 20 minutes')).toEqual([80]);
  });

  it('keeps apart what is not one duration', () => {
    expect(durations('30m 1h')).toEqual([30, 60]);
    expect(durations('2h then 30m')).toEqual([120, 30]);
  });

  it('reads a unit\'s short word after "an" or "last" ("an hr", "last wk"), not a unit\'s letter ("a m")', () => {
    expect(durations('for an hr')).toEqual([60]);
    expect(durations('last hr')).toEqual([60]);
    expect(durations('past wk')).toEqual([7 * 24 * 60]);
    expect(durations('a m')).toEqual([]);
    expect(durations('last d')).toEqual([]);
  });

  it('reads numbers in words up to ninety and a decimal comma ("twelve hours", "1,5h")', () => {
    expect(durations('for twelve hours')).toEqual([720]);
    expect(durations('for forty-five minutes')).toEqual([45]);
    expect(durations('for 1,5h')).toEqual([90]);
  });

  it('reads tens and ones written apart, a half before the unit and a decimal comma before a unit word (round 13)', () => {
    // "forty" alone was read (5 minutes from "five minutes" after it), "one" and "two" were alerts' names, "2,5 hours" 5 hours.
    expect(durations('for forty five minutes')).toEqual([45]);
    expect(durations('for twenty-five minutes')).toEqual([25]);
    expect(durations('for thirteen minutes')).toEqual([13]);
    expect(durations('for one and a half hours')).toEqual([90]);
    expect(durations('for the last two and a half hours')).toEqual([150]);
    expect(durations('for 2,5 hours')).toEqual([150]);
    expect(durations('for zero minutes')).toEqual([]);
    // Fractions and quarters of an hour; "a sec" is a moment, no length ("for a sec" was a silence of one second).
    expect(durations('for 1/2 hour')).toEqual([30]);
    expect(durations('for 1 1/2 hours')).toEqual([90]);
    expect(durations('for a quarter of an hour')).toEqual([15]);
    expect(durations('for three quarters of an hour')).toEqual([45]);
    expect(durations('for an hour and a quarter')).toEqual([75]);
    expect(durations('for a sec')).toEqual([]);
    expect(durations('for 30 secs')).toEqual([0.5]);
  });
});

describe('a moment (findTimeRange)', () => {
  it('reads "at"/"around" a time as the hour either side of it, yesterday\'s when still ahead', () => {
    expect(range('around 3am')).toEqual(['2026-03-10T02:00:00.000Z', '2026-03-10T04:00:00.000Z']);
    expect(range('at 3am yesterday')).toEqual(['2026-03-09T02:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    expect(range('at 14:05')).toEqual(['2026-03-09T13:05:00.000Z', '2026-03-09T15:05:00.000Z']);
    // The hour after is cut at now.
    expect(range('at 11:30')).toEqual(['2026-03-10T10:30:00.000Z', '2026-03-10T12:00:00.000Z']);
  });

  it('keeps "since" and "from" as starts, and "at … to …" as a range', () => {
    expect(range('since 3am')).toEqual(['2026-03-10T03:00:00.000Z', '2026-03-10T12:00:00.000Z']);
    expect(range('at 3am to 5am')).toEqual(['2026-03-10T03:00:00.000Z', '2026-03-10T05:00:00.000Z']);
  });
});

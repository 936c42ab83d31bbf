import * as chrono from 'chrono-node';
import parseDuration from 'parse-duration';
import type { Token } from './tokens.ts';
import { isTensWord, numberWord } from './number-words.ts';
import { wordTable } from './word-table.ts';

/** A stretch of tokens `[start, end)` that said something about time. */
export interface Span {
  start: number;
  end: number;
}

export interface DurationHit extends Span {
  ms: number;
}

const UNIT = /^(ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mo|months?|y|yrs?|years?)$/;
const NUMBER_WITH_UNIT = /^\d+(\.\d+)?(ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mo|months?|y|yrs?|years?)$/;
/** "0m", "-5m", "0 minutes": a length of time that is none, or less. */
const NOT_A_LENGTH = /^(-\d+(\.\d+)?|0+(\.0+)?)([a-z]*)$/;

/** Where a duration of none or less is said ("for 0m", "for -5 minutes"), if one is. */
export function findEmptyDuration(tokens: readonly Token[], taken: ReadonlySet<number>): number | null {
  for (let i = 0; i < tokens.length; i++) {
    const m = taken.has(i) ? null : NOT_A_LENGTH.exec(tokens[i]!.norm);
    if (!m) continue;
    const unit = m[4] || tokens[i + 1]?.norm;
    if (unit !== undefined && UNIT.test(unit)) return i;
  }
  return null;
}
const WORD_NUMBERS: Record<string, number> = wordTable({
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  fifteen: 15, eighteen: 18, twenty: 20, 'twenty-four': 24, thirty: 30, forty: 40, 'forty-five': 45, fifty: 50, sixty: 60, ninety: 90,
  half: 0.5, couple: 2, few: 3,
});

/** Spelt "mo" so parse-duration (where "m" is minutes) reads months. */
function unitText(unit: string): string {
  return /^months?$/.test(unit) ? 'mo' : unit;
}

/**
 * Durations among the tokens, by parse-duration: `2h`, `90 minutes`, `1.5 hours`, `an hour`,
 * `half an hour`, `an hour and a half`, `2 and a half hours`; after "last"/"past"/"next"/"another"
 * a bare unit counts one ("last hour", "for the next hour").
 */
/** Words after which "17h" is a time of day, not a length. */
const UNTIL_WORDS: ReadonlySet<string> = new Set(['until', 'till', 'til', 'untill', "'til", "'till"]);

export function findDurations(tokens: readonly Token[], taken: ReadonlySet<number>): DurationHit[] {
  const hits: DurationHit[] = [];
  /** "and a half" at `at`, untaken: three tokens. */
  const andAHalf = (at: number) => tokens[at]?.norm === 'and' && (tokens[at + 1]?.norm === 'a' || tokens[at + 1]?.norm === 'an') && tokens[at + 2]?.norm === 'half' && ![at, at + 1, at + 2].some((k) => taken.has(k));
  /** A hit of `units` whole units of `unitMs`, widened over a following "and a half" ("an hour and a half"). */
  // ("an hour and a quarter": it was asked which alerts "quarter" named.)
  const andAQuarter = (at: number) => tokens[at]?.norm === 'and' && tokens[at + 1]?.norm === 'a' && tokens[at + 2]?.norm === 'quarter' && ![at, at + 1, at + 2].some((k) => taken.has(k));
  const push = (start: number, end: number, units: number, unitMs: number) => {
    if (andAHalf(end)) hits.push({ start, end: end + 3, ms: (units + 0.5) * unitMs });
    else if (andAQuarter(end) && unitMs === 3_600_000) hits.push({ start, end: end + 3, ms: (units + 0.25) * unitMs });
    else hits.push({ start, end, ms: units * unitMs });
  };
  for (let i = 0; i < tokens.length; i++) {
    if (taken.has(i)) continue;
    // (".5h", ".5 hours": a decimal without its nought; it became an alert's name, the silence the default hour.)
    // ("1½h": the vulgar half, as a phone's keyboard types it.)
    // ("2,5 hours": a decimal comma before its unit, kept one word by the tokeniser.)
    const word = tokens[i]!.norm.replace(/^\.(\d)/, '0.$1').replace(/^(\d+)½/, '$1.5').replace(/^(\d+),(\d)$/, '$1.$2');
    const next = tokens[i + 1]?.norm;
    // ("until 17h", "till 17h30": a time of day after "until", the 24-hour clock's (bareHourAfter), never a length.)
    if (/^(?:[01]?\d|2[0-3])h(?:[0-5]\d)?$/.test(word) && UNTIL_WORDS.has(tokens[i - 1]?.norm ?? '')) continue;
    // ("1h30", "2h15": hours and minutes as a clock writes them, the minutes' unit left out.)
    const hoursMinutes = /^(\d{1,3})h(\d{1,2})$/.exec(word);
    if (hoursMinutes && Number(hoursMinutes[2]) < 60) {
      hits.push({ start: i, end: i + 1, ms: Number(hoursMinutes[1]) * 3_600_000 + Number(hoursMinutes[2]) * 60_000 });
      continue;
    }
    // ("1,5h": a decimal comma, as typed in much of Europe.)
    if (NUMBER_WITH_UNIT.test(word.replace(/^(\d+),(\d)/, '$1.$2')) || COMPOUND.test(word)) {
      const ms = parseDuration(word.replace(/^(\d+),(\d)/, '$1.$2').replace(/(\d)(months?)$/, '$1mo'));
      if (ms) hits.push({ start: i, end: i + 1, ms });
      continue;
    }
    // ("1/2 hour", "3/4 hr": a fraction of a unit; it was an alert's name "hour", the silence the default hour.)
    const fraction = word.length === 3 && word.charAt(1) === '/' ? /^([1-9])\/([2-9])$/.exec(word) : null;
    if (fraction && next !== undefined && UNIT.test(next) && !taken.has(i + 1)) {
      const unitMs = parseDuration(`1${unitText(next)}`);
      // ("1 1/2 hours": a whole number before it is its; read alone it was half an hour.)
      const whole = i > 0 && !taken.has(i - 1) && /^\d{1,3}$/.test(tokens[i - 1]!.norm) && hits.at(-1)?.end !== i ? Number(tokens[i - 1]!.norm) : null;
      if (unitMs) hits.push({ start: whole === null ? i : i - 1, end: i + 2, ms: ((whole ?? 0) + Number(fraction[1]) / Number(fraction[2])) * unitMs });
      i++;
      continue;
    }
    // ("a quarter of an hour", "three quarters of an hour", "quarter hour": it was an alert's name "quarter", the default hour.)
    const quarters = word.startsWith('quarter') || (QUARTERS[word] !== undefined && next?.startsWith('quarter')) ? quartersAt(tokens, taken, i) : null;
    if (quarters) {
      hits.push(quarters);
      i = quarters.end - 1;
      continue;
    }
    // ("for a sec", "a second": not a length of one second, but "briefly", asked about as "for a bit" is.)
    if (word === 'a' && next !== undefined && ['sec', 'secs', 'second', 's'].includes(next)) {
      i++;
      continue;
    }
    // "2 and a half hours"
    const halfUnit = tokens[i + 4]?.norm;
    if (/^\d+$/.test(word) && andAHalf(i + 1) && halfUnit !== undefined && UNIT.test(halfUnit) && !taken.has(i + 4)) {
      const unitMs = parseDuration(`1${unitText(halfUnit)}`);
      if (unitMs) hits.push({ start: i, end: i + 5, ms: (Number(word) + 0.5) * unitMs });
      i += 4;
      continue;
    }
    if (/^\d+(\.\d+)?$/.test(word) && next !== undefined && UNIT.test(next) && !taken.has(i + 1)) {
      const unitMs = parseDuration(`1${unitText(next)}`);
      if (unitMs) push(i, i + 2, Number(word), unitMs);
      i++;
      continue;
    }
    // "half an hour", "a couple of hours", "an hour", "forty five minutes", "one and a half hours"
    const spelt = word in WORD_NUMBERS ? WORD_NUMBERS[word]! : numberWord(word);
    if (spelt !== null && spelt > 0) {
      let j = i + 1;
      let amount = spelt;
      if (word === 'half' && (tokens[j]?.norm === 'an' || tokens[j]?.norm === 'a')) j++;
      if ((word === 'couple' || word === 'few') && tokens[j]?.norm === 'of') j++;
      // ("forty five minutes", "twenty five mins": tens and ones written apart; "forty" alone was the length, of 5 minutes,
      // and "five" an alert's name. "one and a half hours", "two and a half hours": the half before the unit; it was half an
      // hour, "one" an alert's name.)
      const ones = isTensWord(word) && !taken.has(j) ? numberWord(tokens[j]?.norm ?? '') : null;
      if (ones !== null && ones > 0 && ones < 10) {
        amount += ones;
        j++;
      }
      if (numberWord(word) !== null && andAHalf(j) && UNIT.test(tokens[j + 3]?.norm ?? '')) {
        amount += 0.5;
        j += 3;
      }
      const unit = tokens[j]?.norm;
      if (unit !== undefined && UNIT.test(unit) && spelledUnit(unit) && !taken.has(j)) {
        if (word === 'a' && tokens[i - 1]?.norm === 'half') amount = 0.5;
        const ms = parseDuration(`1${unitText(unit)}`);
        if (ms) push(i, j + 1, amount, ms);
        i = hits.at(-1)?.start === i ? hits.at(-1)!.end - 1 : j;
        continue;
      }
    }
    // "last hour", "past day", "the next hour", "another hour"
    if (['last', 'past', 'previous', 'next', 'another', 'coming'].includes(word) && next !== undefined && UNIT.test(next) && spelledUnit(next)) {
      const ms = parseDuration(`1${unitText(next)}`);
      if (ms) push(i + 1, i + 2, 1, ms);
      i = hits.at(-1)?.start === i + 1 ? hits.at(-1)!.end - 1 : i + 1;
    }
  }
  return joinParts(tokens, taken, hits);
}

/** How many quarters a word says ("a quarter", "three quarters"). */
const QUARTERS: Readonly<Record<string, number>> = wordTable({ a: 1, one: 1, '1': 1, two: 2, '2': 2, three: 3, '3': 3 });

/** "a quarter of an hour", "three quarters of an hour", "quarter hour", "quarter of an hour" at `i`, as a hit, or null. */
function quartersAt(tokens: readonly Token[], taken: ReadonlySet<number>, i: number): DurationHit | null {
  const count = QUARTERS[tokens[i]!.norm];
  const at = count === undefined ? i : i + 1;
  if (!/^quarters?$/.test(tokens[at]?.norm ?? '')) return null;
  let j = at + 1;
  if (tokens[j]?.norm === 'of') j++;
  if (tokens[j]?.norm === 'an' || tokens[j]?.norm === 'a') j++;
  const unit = tokens[j]?.norm ?? '';
  if (!/^(?:hours?|hrs?)$/.test(unit) || [...Array(j + 1 - i).keys()].some((k) => taken.has(i + k))) return null;
  return { start: i, end: j + 1, ms: (count ?? 1) * 15 * 60_000 };
}

/** A unit written as a word after "an", "last"…: "hour", "hr", "min", "wk" — not a letter ("a m", "last d"). */
function spelledUnit(unit: string): boolean {
  return unit.length > 2 || unit === 'hr' || unit === 'wk' || unit === 'yr';
}

/** "1h30m", "2h15m": one token of several units. */
const COMPOUND = /^(\d+(\.\d+)?(h|hrs?|m|mins?|s|d|w))(\d+(\.\d+)?(h|hrs?|m|mins?|s|d|w))+$/;

/**
 * "1h 30m", "2 hours 15 minutes", "1 hour and 20 minutes": parts of one duration, each a hit
 * of its own, joined when side by side (or joined by "and") and each part smaller than the one before.
 */
function joinParts(tokens: readonly Token[], taken: ReadonlySet<number>, hits: DurationHit[]): DurationHit[] {
  const joined: DurationHit[] = [];
  for (const hit of hits) {
    const last = joined.at(-1);
    const between = last ? tokens.slice(last.end, hit.start) : [];
    const adjacent = last !== undefined && (between.length === 0 || (between.length === 1 && between[0]!.norm === 'and' && !taken.has(last.end)));
    if (last && adjacent && hit.ms < last.ms) joined[joined.length - 1] = { start: last.start, end: hit.end, ms: last.ms + hit.ms };
    else joined.push(hit);
  }
  // ("1hr 30", "2 hours 15": hours, then their minutes without a unit, as "1h30" says them; not "for 1h 3 nodes down".)
  return joined.map((hit) => {
    const minutes = tokens[hit.end];
    const after = tokens[hit.end + 1];
    const hours = /(?:^|\d)(?:h|hrs?|hours?)$/.test(tokens[hit.end - 1]?.norm ?? '') && hit.ms % 3_600_000 === 0;
    if (!hours || !minutes || taken.has(hit.end) || !/^[1-5]?\d$/.test(minutes.norm) || (after !== undefined && !FREE_TEXT_END.test(after.raw) && !/[,;.]$/.test(minutes.raw))) return hit;
    return { start: hit.start, end: hit.end + 1, ms: hit.ms + Number(minutes.norm) * 60_000 };
  });
}

/** What may follow a duration's bare minutes: a comment's marker ("for 1hr 30 - deploy"). */
const FREE_TEXT_END = /^(?:-|--|—|because|cause|reason|while|whilst|during|due|as|see|ticket|\(.*)$/;

export interface TimeRange extends Span {
  from: number;
  to: number;
}

export interface TimeReference {
  now: number;
  /** Minutes east of UTC the user's clock is; absent: the server's own zone. */
  utcOffsetMinutes?: number;
}

const DAY_MS = 86_400_000;

/** The reference's wall clock in its own time zone, as the UTC fields of a Date. */
function wallClock(context: chrono.ParsingContext): Date {
  const { instant, timezoneOffset } = context.reference;
  return new Date(instant.getTime() + (timezoneOffset ?? -instant.getTimezoneOffset()) * 60_000);
}

/** `hour` o'clock on the reference's own day, `days` away, in its time zone (chrono-node reads the components there). */
function dayOf(context: chrono.ParsingContext, days: number, hour = 0): { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number } {
  const d = wallClock(context);
  d.setUTCDate(d.getUTCDate() + days);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour, minute: 0, second: 0, millisecond: 0 };
}

/**
 * "this week" (Monday 00:00 until now, ISO weeks as on-call rotas run), "this month" (the
 * 1st 00:00 until now), "last month" (the whole previous month). chrono-node reads "this
 * week" as one day. "last week" is not here: said with a chart or a list it is the last
 * seven days, a duration.
 */
const calendarSpanParser: chrono.Parser = {
  pattern: () => /\b(?:(?:during|in|over|for)\s+)?(this|the\s+current|last|the\s+last|previous|the\s+previous)\s+(week|month)\b/i,
  extract: (context, match) => {
    const which = match[1]!.toLowerCase().replace(/^the\s+/, '');
    const unit = match[2]!.toLowerCase();
    const now = wallClock(context);
    if (unit === 'week') {
      if (which !== 'this' && which !== 'current') return null;
      const sinceMonday = (now.getUTCDay() + 6) % 7;
      return context.createParsingResult(match.index!, match[0], dayOf(context, -sinceMonday));
    }
    const first = (monthsBack: number) => {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 1));
      return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 };
    };
    const current = which === 'this' || which === 'current';
    return context.createParsingResult(match.index!, match[0], first(current ? 0 : 1), current ? undefined : first(0));
  },
};

/** "over the weekend": the last Saturday 00:00 to Monday 00:00, or this one until now when it is the weekend. */
const weekendParser: chrono.Parser = {
  pattern: () => /\b(?:(?:over|during|on)\s+)?(?:(?:the|this|last|past)\s+)?weekend\b/i,
  extract: (context, match) => {
    const weekday = wallClock(context).getUTCDay();
    const sinceSaturday = (weekday + 1) % 7;
    const start = dayOf(context, -sinceSaturday);
    const end = sinceSaturday <= 1 ? undefined : dayOf(context, -sinceSaturday + 2);
    return context.createParsingResult(match.index!, match[0], start, end);
  },
};

/** "last night", "overnight": yesterday 18:00 to today 08:00 (until now, early in the morning). */
const overnightParser: chrono.Parser = {
  pattern: () => /\b(?:last\s+night|overnight)\b/i,
  extract: (context, match) => context.createParsingResult(match.index!, match[0], dayOf(context, -1, 18), dayOf(context, 0, 8)),
};

/**
 * "on the 8th", "since the 3rd": a day of this month without its name (chrono-node reads
 * "the 8th of march" but not the day alone). Looking back it is the latest such day not
 * ahead of today, else last month's; looking ahead ("until the 8th") the next one.
 */
const ordinalDayParser: chrono.Parser = {
  pattern: () => /\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+of\b)/i,
  extract: (context, match) => {
    const day = Number(match[1]);
    if (day < 1 || day > 31) return null;
    const today = wallClock(context);
    const ahead = context.option.forwardDate === true;
    for (let back = 0; back <= 2; back++) {
      // This month first, then the month before (looking back) or after (looking ahead).
      const month = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + (ahead ? back : -back), 1));
      const candidate = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), day));
      if (candidate.getUTCMonth() !== month.getUTCMonth()) continue; // "the 31st" of a 30-day month
      const todayStart = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
      if (ahead ? candidate.getTime() <= todayStart : candidate.getTime() > todayStart) continue;
      return context.createParsingResult(match.index!, match[0], { year: candidate.getUTCFullYear(), month: candidate.getUTCMonth() + 1, day });
    }
    return null;
  },
};

/** "yday", "yest", "tdy": the days as typed in a hurry, which chrono-node does not read. */
const dayShorthandParser: chrono.Parser = {
  pattern: () => /\b(yday|ydy|ystd|ystdy|yest|yesterdy|yesteday|tdy|2day)\b/i,
  extract: (context, match) => {
    const { year, month, day } = dayOf(context, /^(tdy|2day)$/i.test(match[1]!) ? 0 : -1);
    return context.createParsingResult(match.index!, match[0], { year, month, day });
  },
};

/**
 * chrono-node's English with the on-call phrases it reads otherwise (its "weekend" is the
 * Saturday alone and its "last night" a whole day); ours go first, so that on the same
 * words theirs gives way.
 */
const timeParser = chrono.casual.clone();
timeParser.parsers.unshift(weekendParser, overnightParser, ordinalDayParser, calendarSpanParser, dayShorthandParser);

/**
 * The text with the taken tokens blanked, so that a host name or an id is never read as a
 * date; and an ISO date and time joined by "T" ("2026-03-09 10:00" → "2026-03-09T10:00", the
 * same length): chrono-node reads "10:00 to 2026-03" as 10:00 at UTC−3 until 20:26.
 */
function maskTaken(text: string, tokens: readonly Token[], taken: ReadonlySet<number>): string {
  let masked = text;
  tokens.forEach((token, i) => {
    if (taken.has(i)) masked = masked.slice(0, token.start) + ' '.repeat(token.end - token.start) + masked.slice(token.end);
  });
  // ("since 9.30", "from 9.30 to 10.15": the hour and minutes parted by a dot, as British English writes them.)
  return masked.replace(/\b(\d{4}-\d{2}-\d{2}) (\d{1,2}:\d{2})/g, '$1T$2').replace(/\b(since|from|at|until|till|after|before|between|to|and|around) (\d{1,2})\.([0-5]\d)\b(?!\.\d)/gi, '$1 $2:$3');
}

function chronoReference(ref: TimeReference) {
  return { instant: new Date(ref.now), ...(ref.utcOffsetMinutes !== undefined ? { timezone: ref.utcOffsetMinutes } : {}) };
}

/** The tokens `[start, end)` covering the characters `[index, index + length)`. */
function spanOf(tokens: readonly Token[], index: number, length: number): Span {
  const start = tokens.findIndex((t) => t.end > index);
  let end = start;
  while (end < tokens.length && tokens[end]!.start < index + length) end++;
  return { start: Math.max(0, start), end };
}

/**
 * A time range said in words, by chrono-node: "since 9am", "yesterday 14:00",
 * "between 9am and 11am", "from 10:00 to 11:30", "yesterday", "today". Tokens already
 * taken (targets, metrics, durations) are blanked first so that a host name or an id
 * is never read as a date. A range is in the past: "from 2pm to 4pm" said at noon is
 * yesterday afternoon.
 */
export function findTimeRange(text: string, tokens: readonly Token[], taken: ReadonlySet<number>, ref: TimeReference): TimeRange | null {
  const bare = bareHourRange(tokens, taken, ref);
  if (bare) return bare;
  const results = timeParser.parse(betweenAsRange(maskTaken(text, tokens, taken)), chronoReference(ref), { forwardDate: false });
  if (results.length === 0) return null;
  const first = results[0]!;
  const second = results[1];
  const span = spanOf(tokens, first.index, first.text.length);
  // ("alerts since 10/03": a date in digits read two ways is left unread, and asked about; it listed alerts since 3 October.)
  if (tokens.slice(span.start, second ? spanOf(tokens, second.index, second.text.length).end : span.end).some((t) => dayMonthUnclear(t.norm) !== null)) return null;
  const since = ['since', 'after', 'starting'].includes(tokens[span.start - 1]?.norm ?? '');
  // "at 3am", "around 14:05": a moment, seen with the hour around it (not from then until now).
  // (chrono-node keeps "at" in its own text: "at 3am".)
  const momentWord = AROUND_WORDS.has(tokens[span.start]?.norm ?? '') || AROUND_WORDS.has(tokens[span.start - 1]?.norm ?? '');
  const moment = !first.end && first.start.isCertain('hour') && momentWord && !(second && ['and', 'to', 'until', 'till', '-'].includes(tokens[spanOf(tokens, second.index, second.text.length).start - 1]?.norm ?? ''));
  // Widen over the word that introduced the time ("since", "from", "between", "at").
  if (since || (moment && !AROUND_WORDS.has(tokens[span.start]?.norm ?? '')) || ['from', 'between', 'at'].includes(tokens[span.start - 1]?.norm ?? '')) span.start -= 1;
  const part = partOfDay(first);
  const wholeDay = !first.start.isCertain('hour') && !part;
  let dayCertain = first.start.isCertain('day');
  let from = first.start.date().getTime();
  let to = first.end ? first.end.date().getTime() : ref.now;
  if (part) {
    // "yesterday afternoon", "this morning": the part of that day, not chrono-node's one instant in it.
    const day = startOfDayMs(from, ref.utcOffsetMinutes);
    from = day + part.from * HOUR_MS;
    // ("since yesterday morning": from then until now.)
    to = first.end ? to : since ? ref.now : day + part.to * HOUR_MS;
  }
  // "monday 10am to noon": an end said without a day is on the start's day (the next one when it is earlier).
  if (first.end && !first.end.isCertain('day') && first.end.isCertain('hour')) {
    to = startOfDayMs(from, ref.utcOffsetMinutes) + (to - startOfDayMs(to, ref.utcOffsetMinutes));
    // "between 9 and 5": a bare end hour before the start is the afternoon's (9:00–17:00), not the next night's.
    if (to <= from && !first.end.isCertain('meridiem') && to + 12 * HOUR_MS > from) to += 12 * HOUR_MS;
    else if (to <= from) to += DAY_MS;
  }
  let endSaid = first.end !== null && first.end !== undefined;
  let endWholeDay = first.end ? !first.end.isCertain('hour') : false;
  if (second && ['and', 'to', 'until', 'till', '-'].includes(tokens[spanOf(tokens, second.index, second.text.length).start - 1]?.norm ?? '')) {
    const other = spanOf(tokens, second.index, second.text.length);
    to = second.start.date().getTime();
    endSaid = true;
    span.end = other.end;
    endWholeDay = !second.start.isCertain('hour');
    // "between 10:00 and 11:00 yesterday": the day said with the end is the start's day too.
    if (!dayCertain && second.start.isCertain('day')) {
      from += startOfDayMs(to, ref.utcOffsetMinutes) - startOfDayMs(from, ref.utcOffsetMinutes);
      dayCertain = true;
    }
  } else if (wholeDay && !first.end) {
    // "yesterday" is the whole day, "since monday" runs until now; "today" is from midnight until now.
    const startOfDay = startOfDayMs(from, ref.utcOffsetMinutes);
    from = startOfDay;
    to = since ? ref.now : Math.min(startOfDay + DAY_MS, ref.now);
  }
  // "between the 3rd and the 5th", "from monday to wednesday": whole days, the last one included.
  if (endSaid && wholeDay && endWholeDay) {
    from = startOfDayMs(from, ref.utcOffsetMinutes);
    to = startOfDayMs(to, ref.utcOffsetMinutes) + DAY_MS;
  }
  // "since friday" said on a Tuesday: the Friday before (chrono-node reads a weekday alone as this week's).
  if (from > ref.now && first.start.isCertain('weekday') && !first.start.isCertain('day')) {
    from -= 7 * DAY_MS;
    if (endSaid) to -= 7 * DAY_MS;
    if (wholeDay && !endSaid) to = since ? ref.now : from + DAY_MS;
  }
  // "since 9am" said at 8am means yesterday's 9am; "from 2pm to 4pm" said at noon, yesterday's afternoon.
  if (from > ref.now && !wholeDay && !dayCertain) {
    from -= DAY_MS;
    if (endSaid && to - DAY_MS > from) to -= DAY_MS;
  }
  if (moment) {
    const at = from > ref.now && !dayCertain ? from - DAY_MS : from;
    from = at - HOUR_MS;
    to = at + HOUR_MS;
  }
  if (to > ref.now) to = ref.now;
  if (to <= from) return null;
  return { ...span, from, to };
}

/** Words that say a moment rather than a start: "at 3am", "around 14:05". */
const AROUND_WORDS = new Set(['at', 'around', 'about', 'near', 'circa', 'approx', 'approximately']);

/**
 * The time after "until"/"till" (the token at `untilAt`), always ahead: "until 6pm" said
 * at 7pm is tomorrow's 6pm, "till monday" the coming Monday, "until tomorrow morning"
 * chrono-node's morning (6am). Returns the instant and the token just past its words.
 */
export function findUntil(text: string, tokens: readonly Token[], taken: ReadonlySet<number>, untilAt: number, ref: TimeReference): { at: number; end: number } | null {
  const bare = bareHourAfter(tokens, taken, untilAt, ref);
  const offset = (ref.utcOffsetMinutes ?? -new Date(ref.now).getTimezoneOffset()) * 60_000;
  if (bare) return { at: bare.at, end: restatedUntil(tokens, taken, bare.end, new Date(bare.at + offset).getUTCHours()) };
  if (bare !== undefined) return bare;
  const after = tokens[untilAt]!.end;
  const masked = maskTaken(text, tokens, taken);
  const result = timeParser.parse(masked.slice(after), chronoReference(ref), { forwardDate: true })[0];
  if (!result) return null;
  const span = spanOf(tokens, after + result.index, result.text.length);
  // Only the words right after "until" (fillers such as "the" aside) are its time.
  if (tokens.slice(untilAt + 1, span.start).some((t, i) => !taken.has(untilAt + 1 + i) && !['the', 'about', 'around'].includes(t.norm))) return null;
  // ("until 10/03/2026 18:00", "till 11/03 9am": a date in digits the day-month and month-day orders both read, asked.)
  if (tokens.slice(span.start, span.end).some((t) => dayMonthUnclear(t.norm) !== null)) return null;
  const day = dayNamedAlone(result, tokens, span.end, ref);
  if (day) return day;
  let at = result.start.date().getTime();
  // forwardDate moves a bare time or weekday ahead; a time today already past ("until 9am" at noon) is tomorrow's.
  if (at <= ref.now && !result.start.isCertain('day')) at += DAY_MS;
  return at > ref.now ? { at, end: result.start.isCertain('hour') ? restatedUntil(tokens, taken, span.end, result.start.get('hour')!) : span.end } : null;
}

/**
 * "until 9am tomorrow morning", "until 6pm local", "till 17:00 my time": words after the end's time that say it again, its
 * part of the day (the one its hour is in) or the asker's own clock (which it is read on): the end's too. They were an
 * alert's name ("morning", "local"), so the silence covered no alert that was meant.
 */
function restatedUntil(tokens: readonly Token[], taken: ReadonlySet<number>, end: number, hour: number): number {
  let k = end;
  const next = (i: number) => (taken.has(i) ? '' : tokens[i]?.norm ?? '');
  if (PART_OF_HOUR[next(k)]?.(hour)) k++;
  if (['my', 'our', 'local'].includes(next(k)) && next(k + 1) === 'time') k += 2;
  else if (next(k) === 'local' || (next(k) === 'time' && ['my', 'our', 'local'].includes(tokens[k - 1]?.norm ?? ''))) k++;
  return k;
}
const PART_OF_HOUR: Readonly<Record<string, (hour: number) => boolean>> = wordTable({
  morning: (h) => h < 12, afternoon: (h) => h >= 12 && h < 18, evening: (h) => h >= 17, night: (h) => h >= 18 || h < 5, tonight: (h) => h >= 18,
});

const HOUR_MS = 3_600_000;

/** What ends a named day ("till friday eod", "until monday cob"). */
const END_OF_DAY_WORDS: ReadonlySet<string> = new Set(['eod', 'cob', 'eob']);

/**
 * "till friday", "until next monday", "until tuesday eod": a weekday said without an hour ends the silence as that day
 * begins, 00:00 on the asker's clock (as "until the end of the week" is Monday 00:00), or as it ends with "eod"; the
 * coming one, a week on when today is that day and its start is past. chrono-node's instant for a weekday alone is its
 * noon (a silence "till friday" ended at 12:00 on Friday, and "until tuesday" said on a Tuesday at noon the next day).
 */
function dayNamedAlone(result: chrono.ParsedResult, tokens: readonly Token[], spanEnd: number, ref: TimeReference): { at: number; end: number } | null {
  if (!result.start.isCertain('weekday') || result.start.isCertain('hour')) return null;
  const offset = (ref.utcOffsetMinutes ?? -new Date(ref.now).getTimezoneOffset()) * 60_000;
  const eod = END_OF_DAY_WORDS.has(tokens[spanEnd]?.norm ?? '');
  let at = Date.UTC(result.start.get('year')!, result.start.get('month')! - 1, result.start.get('day')!) - offset + (eod ? DAY_MS : 0);
  while (at <= ref.now) at += 7 * DAY_MS;
  return { at, end: spanEnd + (eod ? 1 : 0) };
}

/**
 * "since 6", "after 10", "around 3", "at about 3": an hour said without am/pm after "since" or "around", which chrono-node
 * does not read ("since 6" was asked about, "around 3" dropped for the last hour). The last time the user's clock showed it,
 * 1 to 12 whichever of the morning's or the evening's is nearer before now (as "until 6" is the next one); "since" runs
 * from then until now, "around" is the hour either side of it.
 */
function bareHourRange(tokens: readonly Token[], taken: ReadonlySet<number>, ref: TimeReference): TimeRange | null {
  for (let i = 0; i < tokens.length - 1; i++) {
    const lead = tokens[i]!.norm;
    const since = ['since', 'after'].includes(lead);
    if (taken.has(i) || (!since && !AROUND_WORDS.has(lead))) continue;
    let k = i + 1;
    while (k < tokens.length && !taken.has(k) && ['about', 'around', 'approx', '~'].includes(tokens[k]!.norm)) k++;
    const m = taken.has(k) ? null : /^(\d{1,2})(?:-?ish)?$/.exec(tokens[k]?.norm ?? '');
    if (!m || Number(m[1]) > 23 || /[:.]\d/.test(tokens[k]!.raw)) continue;
    let end = k + 1;
    if (OCLOCK.has(tokens[end]?.norm ?? '')) end++;
    // ("since 6 pm", "since 6 hours", "at 3 tomorrow", "since 9 utc": chrono-node's, a length, or a day or a zone said.)
    if (tokens[end] && !taken.has(end) && /^(a\.?m\.?|p\.?m\.?|h|hrs?|hours?|m|mins?|minutes?|days?|\d+|today|yesterday|tonight|tomorrow|morning|afternoon|evening|night|utc|gmt|z|[a-z]{2,4}t)$/.test(tokens[end]!.norm)) continue;
    const hour = Number(m[1]);
    const midnight = startOfDayMs(ref.now, ref.utcOffsetMinutes);
    const hours = hour >= 1 && hour <= 12 && !m[1]!.startsWith('0') ? [hour % 12, (hour % 12) + 12] : [hour];
    const at = [0, -1].flatMap((days) => hours.map((h) => midnight + days * DAY_MS + h * HOUR_MS)).filter((t) => t < ref.now).sort((a, b) => b - a)[0]!;
    return since ? { start: i, end, from: at, to: ref.now } : { start: i, end, from: at - HOUR_MS, to: Math.min(at + HOUR_MS, ref.now) };
  }
  return null;
}

/** "tomorrow 9", "tmrw 7:30": a day said before a bare hour of the twelve-hour clock with nothing of its half after it; the hour, or null. */
function dayThenBareHour(tokens: readonly Token[], k: number): number | null {
  if (AFTER_HOUR[tokens[k]?.norm ?? '']?.day !== 1) return null;
  const m = /^(\d{1,2})(?::[0-5]\d)?$/.exec(tokens[k + 1]?.norm ?? '');
  if (!m || m[1]!.startsWith('0') || Number(m[1]) < 1 || Number(m[1]) > 12) return null;
  const after = tokens[k + 2]?.norm ?? '';
  return /^(a\.?m\.?|p\.?m\.?|h|hrs?|hours?|m|mins?|minutes?)$/.test(after) || AFTER_HOUR[after]?.half !== undefined || ['in', 'this', 'at'].includes(after) ? null : Number(m[1]);
}

/** A day or a part of one said after a bare hour ("until 10 tonight", "until 9 tomorrow morning"): which day, which half. */
const AFTER_HOUR: Readonly<Record<string, { day?: number; half?: 'am' | 'pm' }>> = wordTable({
  today: { day: 0 }, tonight: { day: 0, half: 'pm' }, tomorrow: { day: 1 }, tmrw: { day: 1 }, tmr: { day: 1 }, tomorow: { day: 1 }, tommorow: { day: 1 },
  morning: { half: 'am' }, evening: { half: 'pm' }, afternoon: { half: 'pm' }, night: { half: 'pm' },
});

/** What may follow a bare hour and still leave it bare: "until 6", "until 6 o'clock", "until 6 pls". */
const OCLOCK = new Set(["o'clock", 'oclock', 'o’clock']);

/**
 * "until 6", "till 18", "until 6 o'clock", "until 6:30": a time said without am/pm, which chrono-node does not read
 * (or reads as the morning's, tomorrow's once past). The next time the user's clock shows it (in their zone, else the
 * server's): 1 to 12 is whichever of the morning's or the evening's comes first ("until 6" said at noon is 18:00,
 * said at 19:00 is 06:00 tomorrow), 0, 13 to 23 and an hour written with a leading zero ("until 06:30") that hour
 * today or tomorrow. Undefined when the words after "until" are not a bare hour (chrono-node reads them); null
 * when a bare hour is said with a day ("until 6 tomorrow": morning or evening is not known) or left open ("until 6 or 7"), so
 * it is asked about.
 */
function bareHourAfter(tokens: readonly Token[], taken: ReadonlySet<number>, untilAt: number, ref: TimeReference): { at: number; end: number } | null | undefined {
  let k = untilAt + 1;
  while (k < tokens.length && !taken.has(k) && ['the', 'about', 'around', 'like', '~'].includes(tokens[k]!.norm)) k++;
  if (!tokens[k] || taken.has(k)) return undefined;
  // ("till tomorrow 9": a day, then a bare hour of the twelve-hour clock and nothing of its half; chrono-node read the day
  // alone, and the hour was asked for its unit. "until tomorrow 9 morning": the day first, then the hour and its half; it
  // ended tomorrow at noon, with alerts named "morning".)
  if (dayThenBareHour(tokens, k) !== null) return null;
  const dayFirst = AFTER_HOUR[tokens[k]!.norm]?.day === 1 && !taken.has(k + 1) && /^\d{1,2}(?::[0-5]\d)?$/.test(tokens[k + 1]?.norm ?? '') && AFTER_HOUR[tokens[k + 2]?.norm ?? '']?.half !== undefined;
  if (dayFirst) k++;
  const word = tokens[k]!;
  // ("until 6ish": said roughly, as "until about 6".)
  // ("until 0800", "till 1730": the 24-hour clock's four digits.)
  // ("until 17:00Z", "till 0900z": the time in UTC, as logs and tickets write it; it was not read.)
  const zulu = /^([01]?\d|2[0-3]):?([0-5]\d)z$/.exec(word.norm);
  if (zulu) {
    const utcMidnight = Math.floor(ref.now / DAY_MS) * DAY_MS;
    const at = utcMidnight + Number(zulu[1]) * HOUR_MS + Number(zulu[2]) * 60_000;
    return { at: at > ref.now ? at : at + DAY_MS, end: k + 1 };
  }
  // ("until 17h", "till 17h30": the hour as much of Europe writes it, the 24-hour clock's; "17h" was read as a length.)
  const european = /^(\d{1,2})h([0-5]\d)?$/.exec(word.norm);
  const clock = european ? null : /^(\d{1,2})(?:[:.]([0-5]\d))?(?:-?ish)?$/.exec(word.norm);
  const m = european ?? clock ?? /^([01]\d|2[0-3])([0-5]\d)$/.exec(word.norm);
  if (!m) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  if (hour > 23) return undefined;
  let end = k + 1;
  if (tokens[end] && !taken.has(end) && OCLOCK.has(tokens[end]!.norm)) end++;
  // "until 6 pm", "until 6:30", "until 6 30", "until 6h": chrono-node's, or a length; "until 17:00 CET", "until 5 utc+2": a
  // zone said, chrono-node's (read here, the zone became an alert's name and the hour the user's).
  if (tokens[end] && !taken.has(end) && /^(a\.?m\.?|p\.?m\.?|h|hrs?|hours?|m|mins?|minutes?|\d+|utc|gmt|z|(?:utc|gmt)[+-]\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|cet|cest|eet|eest|wet|west|bst|ist|jst|kst|sgt|aest|aedt|awst|nzst|nzdt|pst|pdt|est|edt|cst|cdt|mst|mdt|hst|akst|akdt)$/.test(tokens[end]!.norm)) return undefined;
  // "until 10 tonight", "until 9 tomorrow morning", "until 7 this evening": the day and the part of it said after the hour;
  // a day without its part ("until 6 tomorrow": morning or evening?), another day, or "or" ("until 6 or 7") is asked about.
  let day: number | null = dayFirst ? 1 : null;
  let half: 'am' | 'pm' | null = null;
  while (tokens[end] && !taken.has(end)) {
    const w = tokens[end]!.norm;
    if (/^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|on|next|or|to|-)$/.test(w)) return null;
    const said = AFTER_HOUR[w];
    // ("till 9 in the morning": it was 21:00, and "morning" an alert's name.)
    const lead = (['this', 'in', 'the'].includes(w) && /^(morning|evening|afternoon|night|tonight)$/.test(tokens[end + 1]?.norm ?? ''))
      || (w === 'in' && tokens[end + 1]?.norm === 'the' && /^(morning|evening|afternoon)$/.test(tokens[end + 2]?.norm ?? ''));
    if (!said && !lead) break;
    if (said?.day !== undefined) day = said.day;
    if (said?.half !== undefined) half = said.half;
    end++;
  }
  if (day === 1 && half === null && hour >= 1 && hour <= 12 && !m[1]!.startsWith('0')) return null;
  const midnight = startOfDayMs(ref.now, ref.utcOffsetMinutes);
  // ("until 06", "until 06:30": a leading zero is the 24-hour clock's, that hour alone.)
  const twelve = clock !== null && hour >= 1 && hour <= 12 && !m[1]!.startsWith('0');
  const hours = !twelve ? [hour] : half === 'am' ? [hour % 12] : half === 'pm' ? [(hour % 12) + 12] : [hour % 12, (hour % 12) + 12];
  const days = day === null ? [0, 1] : [day];
  const candidates = days.flatMap((d) => hours.map((h) => midnight + d * DAY_MS + h * HOUR_MS + minute * 60_000)).filter((at) => at > ref.now).sort((a, b) => a - b);
  return candidates.length > 0 ? { at: candidates[0]!, end } : null;
}

/**
 * "until 6 tomorrow", "till 7:30 tmrw": a bare hour of the twelve-hour clock said with a day but not its half, which
 * `findUntil` leaves unread; the question to ask ("6 am or 6 pm?"), with both ways to say it, or null when that is not
 * why the end was not read.
 */
export function untilHalfUnsaid(tokens: readonly Token[], untilAt: number): string | null {
  let k = untilAt + 1;
  while (k < tokens.length && ['the', 'about', 'around', 'like', '~'].includes(tokens[k]!.norm)) k++;
  const dayFirst = dayThenBareHour(tokens, k);
  if (dayFirst !== null) {
    const [day, time] = [tokens[k]!.raw, tokens[k + 1]!.norm];
    return `"${day} ${time}" could be ${time} am or ${time} pm: say "until ${day} ${time}am" or "until ${day} ${time}pm".`;
  }
  const m = /^(\d{1,2})(?::([0-5]\d))?$/.exec(tokens[k]?.norm ?? '');
  if (!m || m[1]!.startsWith('0') || Number(m[1]) < 1 || Number(m[1]) > 12) return null;
  const said: { day?: number; half?: 'am' | 'pm' }[] = [];
  for (let j = k + 1; tokens[j] !== undefined && AFTER_HOUR[tokens[j]!.norm] !== undefined; j++) said.push(AFTER_HOUR[tokens[j]!.norm]!);
  if (!said.some((w) => w.day === 1) || said.some((w) => w.half !== undefined)) return null;
  const time = tokens[k]!.norm;
  const day = tokens.slice(k + 1, k + 1 + said.length).map((t) => t.raw).join(' ');
  return `"${time} ${day}" could be ${time} am or ${time} pm: say "until ${time}am ${day}" or "until ${time}pm ${day}".`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * "10/03", "11/03/2026", "3/12", "11.03.2026": a date in digits whose first two numbers could each be the day or the month
 * (both 1 to 12, not the same): the two dates it may be, or null. chrono-node reads them month first, so a silence "until
 * 10/03/2026 18:00" said on 10 March ended on 3 October (207 days), "till 11/03 9am" on 3 November; a British or a European
 * writer meant March. ("13/03", "03/13" can be one date only; "17.30" is a time.)
 */
function dayMonthUnclear(norm: string): [string, string] | null {
  const m = /^(\d{1,2})([/.])(\d{1,2})(?:\2(\d{2}|\d{4}))?$/.exec(norm);
  if (!m || (m[2] === '.' && m[4] === undefined)) return null;
  const a = Number(m[1]);
  const b = Number(m[3]);
  if (a < 1 || b < 1 || a > 12 || b > 12 || a === b) return null;
  return [`${MONTHS[b - 1]!} ${a}`, `${MONTHS[a - 1]!} ${b}`];
}

/** The question to ask when `findUntil` left a date in digits unread because it reads two ways, or null. */
export function untilDayMonthUnclear(tokens: readonly Token[], untilAt: number): string | null {
  const k = tokens[untilAt + 1]?.norm === 'the' ? untilAt + 2 : untilAt + 1;
  const dates = dayMonthUnclear(tokens[k]?.norm ?? '');
  return dates && `"${tokens[k]!.norm}" could be ${dates[0]} or ${dates[1]}: say the month as a word, e.g. "until ${dates[0]}" or "until ${dates[1]}".`;
}

/** The parts of a day people name, in hours of that day: chrono-node reads each as one instant (3 pm for "afternoon"). */
const PARTS_OF_DAY: Readonly<Record<string, { from: number; to: number }>> = wordTable({
  morning: { from: 6, to: 12 },
  afternoon: { from: 12, to: 18 },
  evening: { from: 18, to: 24 },
});

function partOfDay(result: chrono.ParsedResult): { from: number; to: number } | null {
  if (result.start.isCertain('hour')) return null;
  for (const tag of result.tags()) {
    const part = PARTS_OF_DAY[tag.replace('casualReference/', '')];
    if (part && tag.startsWith('casualReference/')) return part;
  }
  return null;
}

/**
 * "between 2pm and 4pm", "yesterday between 2 and 4pm", "between 9 and 11": chrono-node
 * reads "2pm to 4pm" as one range (with the day said before it, and the first hour taking
 * the second's am/pm) but not "between … and …". The words are swapped for ones of the same
 * length, so that every index into the text still points at the same token.
 */
function betweenAsRange(text: string): string {
  return text.replace(/\bbetween(\s+)(\S{1,12}(?:\s+[ap]\.?m\.?)?)(\s+)and(\s+)/gi, (_m, a: string, first: string, b: string, c: string) => `${' '.repeat(7)}${a}${first}${b} to${c}`);
}

function startOfDayMs(ts: number, utcOffsetMinutes: number | undefined): number {
  const offset = (utcOffsetMinutes ?? -new Date(ts).getTimezoneOffset()) * 60_000;
  return Math.floor((ts + offset) / DAY_MS) * DAY_MS - offset;
}

/** The words a period is said with after its preposition ("for *the rest of the* day"). */
const PERIOD_LEADS = new Set(['the', 'this', 'rest', 'remainder', 'of', 'end', 'whole', 'entire']);
const PERIOD_PREPS = new Set(['for', 'over', 'through', 'thru', 'throughout', 'during', 'until', 'till', 'til', 'untill']);
/** Periods named by a word that needs "the"/"this" before it ("for the day"; "for day" is not said). */
type PeriodEnd = 'midnight' | 'morning' | 'monday' | 'weekend';
const PERIODS: Readonly<Record<string, { end: PeriodEnd; needsLead: boolean }>> = wordTable({
  today: { end: 'midnight', needsLead: false },
  day: { end: 'midnight', needsLead: true },
  eod: { end: 'midnight', needsLead: false },
  tonight: { end: 'morning', needsLead: false },
  night: { end: 'morning', needsLead: true },
  overnight: { end: 'morning', needsLead: false },
  weekend: { end: 'weekend', needsLead: false },
  week: { end: 'monday', needsLead: true },
  eow: { end: 'monday', needsLead: false },
});
const ALONE = new Set(['tonight', 'overnight', 'today', 'eod']);
const WEEKDAY = /^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?$/;
/** Tonight ends at this hour of the next morning. */
const MORNING_HOUR = 8;

/**
 * A period a silence lasts for, said as a span of the calendar rather than a duration:
 * "for tonight" and "overnight" (until 08:00), "for today", "for the rest of the day",
 * "until end of day" (until midnight), "over the weekend", "for the week", "until the end
 * of the week" (until Monday 00:00), all in the user's time zone. Returns the instant it
 * ends (null for a weekend that has not begun: a silence starts now, and one said on a
 * Tuesday would cover the rest of the week) and the tokens `[start, end)` that said it,
 * preposition included.
 */
export function findPeriodEnd(tokens: readonly Token[], taken: ReadonlySet<number>, ref: TimeReference): { at: number | null; start: number; end: number } | null {
  for (let i = 0; i < tokens.length; i++) {
    if (taken.has(i)) continue;
    const prep = PERIOD_PREPS.has(tokens[i]!.norm);
    let k = prep ? i + 1 : i;
    let lead = false;
    // ("until EOD tomorrow", "till tomorrow EOD", "until end of day tomorrow": the period a day on; "tomorrow" was read as
    // the name of the alerts to silence, and the silence ended tonight.)
    let tomorrow = false;
    while (k < tokens.length && !taken.has(k) && (PERIOD_LEADS.has(tokens[k]!.norm) || (prep && tokens[k]!.norm === 'tomorrow'))) {
      if (tokens[k]!.norm === 'tomorrow') tomorrow = true;
      else lead = true;
      k++;
    }
    const period = k < tokens.length && !taken.has(k) ? PERIODS[tokens[k]!.norm] : undefined;
    // Without a preposition only the words that are a period alone ("silence db-1 tonight", "overnight"):
    // "silence weekend backup alerts" names alerts.
    if (!period || (period.needsLead && !lead && !tomorrow) || (!prep && (lead || !ALONE.has(tokens[k]!.norm)))) continue;
    // ("till friday eod": the end of the day named before it, read with it by `findUntil`; it was today's.)
    if (!prep && WEEKDAY.test(tokens[k - 1]?.norm ?? '')) continue;
    const after = prep && !tomorrow && tokens[k + 1]?.norm === 'tomorrow' && !taken.has(k + 1);
    const shifted = (tomorrow || after) && (period.end === 'midnight' || period.end === 'morning');
    if ((tomorrow || after) && !shifted) continue;
    const at = periodEnd(period.end, ref);
    return { at: at === null ? null : at + (shifted ? DAY_MS : 0), start: i, end: k + (after ? 2 : 1) };
  }
  return null;
}

function periodEnd(end: PeriodEnd, ref: TimeReference): number | null {
  const offset = (ref.utcOffsetMinutes ?? -new Date(ref.now).getTimezoneOffset()) * 60_000;
  const dayStart = startOfDayMs(ref.now, ref.utcOffsetMinutes);
  if (end === 'midnight') return dayStart + DAY_MS;
  if (end === 'morning') {
    const morning = dayStart + MORNING_HOUR * 3_600_000;
    return morning > ref.now ? morning : morning + DAY_MS;
  }
  // Monday 00:00 after the current week; the weekend's only from Friday on.
  const weekday = new Date(ref.now + offset).getUTCDay();
  if (end === 'weekend' && weekday >= 1 && weekday <= 4) return null;
  return dayStart + ((8 - weekday) % 7 || 7) * DAY_MS;
}

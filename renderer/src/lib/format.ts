/** "42 s ago", "5 min ago", "3 h ago": freshness at a glance. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

/**
 * How long something lasts, exactly and in words a reader scans: `141 ms`, `1.5 s`,
 * `1 min 35 s`, `1 h 30 min`, `2 d`. For plans, step timings and settings, where
 * "95000 ms" or "600 s" had to be worked out and `formatAge`'s rounding ("2 min" for 90 s)
 * would misstate what will be waited for.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  let seconds = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['min', 60], ['s', 1]] as const) {
    const count = Math.floor(seconds / size);
    seconds -= count * size;
    if (count > 0) parts.push(`${count} ${unit}`);
  }
  return parts.join(' ');
}

// One time format for the whole console: 24-hour clock, the viewer's zone, and the zone
// named, so "08:30" is never ambiguous in a hand-off between people in different places.
const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });

/**
 * Whether a Date holds the time (±8.64e15 ms, a number): Intl and toISOString throw a
 * RangeError for any other, and a render that throws takes its view down. The server bounds
 * the times it takes, but rows stored before it did, or a hostile server the desktop app is
 * pointed at, can still send 9e15 or 1e308: those are written as the number itself.
 */
function holdsDate(ms: number): boolean {
  return !Number.isNaN(new Date(ms).getTime());
}

/** `Dec 2, 2026, 08:30:12 UTC`. */
export function formatDateTime(ms: number): string {
  return holdsDate(ms) ? dateTime.format(ms) : String(ms);
}

/** `08:30:12 UTC`. */
export function formatTime(ms: number): string {
  return holdsDate(ms) ? time.format(ms) : String(ms);
}

/** The viewer's time zone as charts name it under their time axis (`UTC`, `CET`, `GMT+2`). */
export function timeZoneLabel(at: number = Date.now()): string {
  return time.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Compact numbers for axes and badges: 1.2k, 3.4M, 0.25. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 1) return value.toFixed(2).replace(/\.?0+$/, '');
  return value.toPrecision(2);
}

const TICK_FORMATS = {
  day: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' }),
  dayHour: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', hourCycle: 'h23' }),
  dayMinute: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  minute: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  second: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }),
  milli: new Intl.DateTimeFormat(undefined, { minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 }),
} as const;

/** Coarsest first: the first format whose labels all differ wins. */
function tickCandidates(spanMs: number): Array<keyof typeof TICK_FORMATS> {
  if (spanMs > 14 * 86_400_000) return ['day', 'dayHour', 'dayMinute'];
  if (spanMs > 2 * 86_400_000) return ['dayHour', 'dayMinute', 'second'];
  if (spanMs > 10 * 60_000) return ['minute', 'second', 'milli'];
  return ['second', 'milli'];
}

/** Axis ticks: clock time within two days, day and hour beyond. */
export function formatTick(ms: number, spanMs: number): string {
  return TICK_FORMATS[tickCandidates(spanMs)[0] ?? 'minute'].format(ms);
}

/**
 * Labels for a row of time ticks that never repeat, however far the chart is zoomed: the
 * coarsest format that tells every tick apart (`10:01`, then `10:01:30`, then `01:30.250`).
 */
export function formatTimeTicks(ticks: readonly number[], spanMs: number): string[] {
  const candidates = tickCandidates(spanMs);
  for (const name of candidates) {
    const labels = ticks.map((ms) => TICK_FORMATS[name].format(ms));
    if (new Set(labels).size === new Set(ticks).size) return labels;
  }
  return ticks.map((ms) => TICK_FORMATS.milli.format(ms));
}

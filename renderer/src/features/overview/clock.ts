// 24-hour clock in the viewer's zone with the zone named, like every other time in the console
// (lib/format.ts): "ready at ~04:48" alone is ambiguous in a hand-off across time zones.
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });

/** "04:48 UTC": when a model is expected, in the viewer's local time. */
export function formatClock(ms: number): string {
  return clock.format(ms);
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });

/** "04:48": when a model is expected, in the viewer's local time. */
export function formatClock(ms: number): string {
  return clock.format(ms);
}

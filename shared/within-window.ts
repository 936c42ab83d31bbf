/**
 * Whether less than `windowMs` has passed from `since` to `now` on the wall clock (Date.now).
 * A clock that went back (an NTP step, a virtual machine resumed, a user setting it) puts
 * `now` before `since`, and the plain `now - since < windowMs` then held for as long as the
 * jump: a hold, a throttle or a cache lasted an hour after a one-hour step back. Time that
 * cannot be measured counts as the window being over.
 */
export function withinWindow(now: number, since: number, windowMs: number): boolean {
  return now >= since && now - since < windowMs;
}

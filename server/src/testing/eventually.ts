/**
 * Polls `probe` until `done` accepts its value, or fails once the deadline has passed, for
 * tests that wait on something asynchronous (a webhook retry, Alertmanager's grouping)
 * without a fixed sleep or a timed assertion. A probe that throws counts as "not yet".
 */
export async function eventually<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, deadlineMs = 30_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (done(value)) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`condition not met within ${deadlineMs} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

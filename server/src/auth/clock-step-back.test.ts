import { describe, expect, it } from 'vitest';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { sqlRateLimitStore } from './rate-limit-store.ts';
import { LoginLockout } from './login-lockout.ts';

const HOUR = 3_600_000;
const T = 1_800_000_000_000;

/**
 * The wall clock stepped back (NTP, a resumed virtual machine) after a rate-limit window or
 * a login lock began: the window's start is then in the future, and `now - start < window`
 * held for as long as the step. A client limited once stayed limited (and a locked login
 * locked) for the hour after a one-hour step back. Time that cannot be measured counts as
 * the window being over (shared/within-window.ts).
 */
describe.each(testDatabases())('auth windows across a clock step back ($name)', (database) => {
  const databases = useTestDatabase(database);

  it.skipIf(database.skip)('a rate-limit window that began "in the future" is over: the count starts again', async () => {
    const { sql } = await databases.twoLayers('sco-clock-');
    let now = T;
    const Store = sqlRateLimitStore(sql[0], () => now);
    const store = new Store({} as never);
    const incr = () => new Promise<{ current: number; ttl: number }>((resolve, reject) => store.incr('k', (error, result) => (error ? reject(error) : resolve(result!)), 60_000, 3));
    for (let i = 1; i <= 3; i++) expect((await incr()).current).toBe(i);
    now = T - HOUR;
    const after = await incr();
    expect(after.current).toBe(1);
    expect(after.ttl).toBeLessThanOrEqual(60_000);
    // The clock forward a day: the window is over, as it is.
    now = T + 24 * HOUR;
    expect((await incr()).current).toBe(1);
  });

  it.skipIf(database.skip)('a login lock taken before the step lifts, and its failures count afresh', async () => {
    const { sql } = await databases.twoLayers('sco-clock-');
    let now = T;
    const lockout = new LoginLockout(sql[0], { maxFailuresPerUser: 3, maxFailuresPerIp: 100, lockoutMs: 600_000 }, () => now);
    for (let i = 0; i < 3; i++) await lockout.recordFailure('alice', '10.0.0.1');
    expect((await lockout.check('alice', '10.0.0.1'))?.retryAfterSeconds).toBe(600);
    now = T - HOUR;
    expect(await lockout.check('alice', '10.0.0.1')).toBeNull();
    // Two more failures do not lock (the window before the step is not counted on).
    await lockout.recordFailure('alice', '10.0.0.1');
    await lockout.recordFailure('alice', '10.0.0.1');
    expect(await lockout.check('alice', '10.0.0.1')).toBeNull();
    await lockout.recordFailure('alice', '10.0.0.1');
    expect((await lockout.check('alice', '10.0.0.1'))?.retryAfterSeconds).toBe(600);
  });
});

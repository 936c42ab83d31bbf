import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { MAX_PENDING_TICKETS_PER_USER, StreamTickets } from './tickets.ts';

/**
 * The server keeps at most 10,000 stream tickets waiting, and one user could take them all:
 * a ticket is one cheap POST, so any viewer's loop filled the table in seconds and every
 * other user's console was refused its live stream (503) for as long as the loop ran. A
 * user's tickets beyond their share now take the place of their own oldest.
 */
describe('stream tickets: one user cannot take everyone\'s', () => {
  it('a user asking without end displaces only their own oldest tickets; another user still gets one', () => {
    const tickets = new StreamTickets({ maxPending: 100 });
    const mine = Array.from({ length: 1_000 }, () => tickets.issue({ userId: 1, sessionId: 's1' }));
    expect(tickets.pending).toBe(MAX_PENDING_TICKETS_PER_USER);
    const theirs = tickets.issue({ userId: 2, sessionId: 's2' });
    expect(tickets.redeem(theirs)).toEqual({ userId: 2, sessionId: 's2' });
    // The newest of the loop's still work, the displaced ones are void.
    expect(tickets.redeem(mine.at(-1)!)).toEqual({ userId: 1, sessionId: 's1' });
    expect(tickets.redeem(mine[0]!)).toBeNull();
    expect(tickets.redeem(mine.at(-MAX_PENDING_TICKETS_PER_USER - 1)!)).toBeNull();
  });

  it('the server-wide bound still holds against many users (503 with Retry-After)', () => {
    const tickets = new StreamTickets({ maxPending: 10, maxPendingPerUser: 4 });
    for (let user = 1; user <= 5; user++) for (let n = 0; n < 2; n++) tickets.issue({ userId: user, sessionId: `s${user}` });
    expect(() => tickets.issue({ userId: 6, sessionId: 's6' })).toThrow(AppError);
  });

  describe('over HTTP', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer();
    });
    afterAll(() => server.close());

    it("a viewer's loop of tickets leaves the operator's console a ticket", async () => {
      const ask = (role: 'viewer' | 'operator') => server.injectAs(role, { method: 'POST', url: '/api/v1/stream/ticket', payload: {} });
      for (let n = 0; n < MAX_PENDING_TICKETS_PER_USER + 20; n++) expect((await ask('viewer')).statusCode).toBe(200);
      expect((await ask('operator')).statusCode).toBe(200);
    });
  });
});

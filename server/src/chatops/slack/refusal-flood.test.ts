import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';
import { slackSignature } from './signature.ts';
import { AUDITED_REFUSALS_PER_MINUTE } from '../../audit/refusal-throttle.ts';

const SECRET = 'test-signing-secret-0123456789';

/**
 * The Slack endpoints are public, and every refused request was written to the append-only
 * audit log: anyone who could reach the server could write rows without end (no retention)
 * until the disk was full and every write answered 507. A few refusals a minute per address
 * are audited now; the rest are still refused, counted, and said with the next entry.
 */
describe('unsigned requests flooding the Slack endpoints', () => {
  let server: TestServer;
  let clock = Date.parse('2026-03-10T12:00:00Z');

  beforeAll(async () => {
    server = await startTestServer({ now: () => clock, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 }, chatops: { slackSigningSecret: SECRET } });
  });
  afterAll(() => server.close());

  const forged = (address: string, n: number) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/slack/command',
      remoteAddress: address,
      payload: `team_id=T1&user_id=U0&text=help&trigger_id=${n}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(Math.floor(clock / 1000)), 'x-slack-signature': slackSignature('not-the-secret', String(Math.floor(clock / 1000)), 'x') },
    });
  const refusalsOf = async (address: string) =>
    ((await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?action=slack.request.refused&limit=1000' })).json() as { entries: Array<{ ip: string; details: { reason: string; notAudited?: number } }> }).entries.filter((e) => e.ip === address);

  it('refuses every forged request but audits only a few a minute per address, then says how many were left out', async () => {
    for (let n = 0; n < 200; n++) expect((await forged('203.0.113.7', n)).statusCode).toBe(401);
    expect(await refusalsOf('203.0.113.7')).toHaveLength(AUDITED_REFUSALS_PER_MINUTE);
    // Another address is audited on its own count.
    expect((await forged('203.0.113.8', 0)).statusCode).toBe(401);
    expect(await refusalsOf('203.0.113.8')).toHaveLength(1);

    clock += 61_000;
    expect((await forged('203.0.113.7', 201)).statusCode).toBe(401);
    const entries = await refusalsOf('203.0.113.7');
    expect(entries).toHaveLength(AUDITED_REFUSALS_PER_MINUTE + 1);
    expect(entries[0]!.details).toEqual({ reason: 'mismatch', notAudited: 200 - AUDITED_REFUSALS_PER_MINUTE });
  });
});

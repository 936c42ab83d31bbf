import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';
import { slackSignature } from './signature.ts';
import { AUDITED_REFUSALS_PER_MINUTE } from '../../audit/refusal-throttle.ts';

const SECRET = 'test-signing-secret-0123456789';

/**
 * Fifth attack round: any member of the Slack workspace not linked to a user here (with the
 * default `SMARTCLOUDOPS_SLACK_UNMAPPED=deny`) wrote a `chat.command` audit entry with every
 * command and button, without a bound: linked users are held by the chat rate limit, the
 * unlinked were not, and the audit log is append-only with no retention. A few a minute per
 * chat user are audited now, the rest counted into the next entry.
 */
describe('an unlinked Slack user looping on the command', () => {
  let server: TestServer;
  let clock = Date.parse('2026-03-10T12:00:00Z');
  beforeAll(async () => {
    server = await startTestServer({ now: () => clock, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 }, chatops: { slackSigningSecret: SECRET } });
  });
  afterAll(() => server.close());

  const command = (user: string, n: number) => {
    const body = `team_id=T1&user_id=${user}&user_name=${user}&text=help&trigger_id=${n}`;
    const timestamp = String(Math.floor(clock / 1000));
    return server.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/slack/command',
      payload: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(SECRET, timestamp, body) },
    });
  };
  const unlinkedOf = async (user: string) =>
    ((await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?action=chat.command&target=unmapped&limit=1000' })).json() as { entries: Array<{ actor: string; details: { notAudited?: number } }> }).entries.filter((e) => e.actor === `slack:${user}`);

  it('answers every command "not linked" but audits only a few a minute per chat user, then says how many were left out', async () => {
    for (let n = 0; n < 60; n++) {
      const answer = await command('U666', n);
      expect(answer.statusCode).toBe(200);
      expect(answer.json().text).toBe('Not linked');
    }
    expect(await unlinkedOf('U666')).toHaveLength(AUDITED_REFUSALS_PER_MINUTE);
    // Another chat user is counted on their own.
    await command('U777', 0);
    expect(await unlinkedOf('U777')).toHaveLength(1);

    clock += 61_000;
    await command('U666', 61);
    const entries = await unlinkedOf('U666');
    expect(entries).toHaveLength(AUDITED_REFUSALS_PER_MINUTE + 1);
    expect(entries[0]!.details).toMatchObject({ notAudited: 60 - AUDITED_REFUSALS_PER_MINUTE });
  });
});

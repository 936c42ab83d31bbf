import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { actAs } from '../testing/act-as.ts';
import { AUDITED_REFUSALS_PER_MINUTE } from './refusal-throttle.ts';
import type { AuditEntry } from '../../../shared/api/audit.ts';

/**
 * Every request refused for lack of permission was an audit row, and the log is append-only
 * with no retention: a viewer (or a leaked read-only key) looping on a forbidden route wrote
 * rows without end, until the disk was full and every write of the server answered 507.
 * A few refusals a minute per principal are audited now; the rest are refused all the same,
 * counted, and said with the principal's next entry.
 */
describe('a loop of forbidden requests', () => {
  let server: TestServer;
  let clock = Date.parse('2026-03-10T12:00:00Z');
  const acting = actAs(() => server);

  beforeAll(async () => {
    server = await startTestServer({ now: () => clock });
  });
  afterAll(() => server.close());

  const denied = async (actor: string) =>
    ((await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?action=access.denied&limit=1000' })).json() as { entries: AuditEntry[] }).entries.filter((e) => e.actor === actor);

  it('is refused every time but audited only a few times a minute per principal, then says how many were left out', async () => {
    for (let n = 0; n < 100; n++) expect((await acting.as('viewer', 'DELETE', '/users/1')).status).toBe(403);
    expect(await denied('test-viewer')).toHaveLength(AUDITED_REFUSALS_PER_MINUTE);
    // A key of the same user is counted on its own, as is another user.
    const key = await acting.apiKey('viewer', { name: 'reader' });
    expect((await acting.as(key, 'GET', '/audit')).status).toBe(403);
    expect(await denied('reader')).toHaveLength(1);
    expect((await acting.as('operator', 'GET', '/audit')).status).toBe(403);
    expect(await denied('test-operator')).toHaveLength(1);

    clock += 61_000;
    expect((await acting.as('viewer', 'DELETE', '/users/1')).status).toBe(403);
    const entries = await denied('test-viewer');
    expect(entries).toHaveLength(AUDITED_REFUSALS_PER_MINUTE + 1);
    expect(entries[0]!.details).toEqual({ permission: 'users:manage', notAudited: 100 - AUDITED_REFUSALS_PER_MINUTE });
  });
});

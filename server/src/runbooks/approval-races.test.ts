import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { AppError } from '../../../shared/errors.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { Requester } from './service.ts';

/**
 * Two decisions about one waiting run at the same moment (an approval and a rejection, two
 * approvals): exactly one is taken, the other is answered 409 and leaves no trace of having
 * been taken (no approval row, no success in the audit log). The service is called directly
 * so that both calls are in flight together, as with two people clicking at once.
 */
describe('runbook approvals under races and replays', () => {
  let server: TestServer;
  let dir: string;
  const alice: Requester = { actor: { name: 'alice', kind: 'user' }, userId: 101, role: 'operator' };
  const bob: Requester = { actor: { name: 'bob', kind: 'user' }, userId: 102, role: 'operator' };

  const request = async (): Promise<Run> => {
    const response = await server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/gated/runs', payload: {} });
    expect(response.json()).toMatchObject({ state: 'pending_approval' });
    return response.json() as Run;
  };
  const decisionsInAudit = async (runId: number) =>
    ((await server.injectAs('admin', { method: 'GET', url: `/api/v1/audit?target=runbook-run:${runId}` })).json() as { entries: Array<{ action: string; outcome: string; actor: string }> }).entries
      .filter((e) => e.action === 'runbook.run.approve' || e.action === 'runbook.run.reject')
      .map((e) => `${e.action}:${e.outcome}:${e.actor}`);
  const settle = async (calls: Array<Promise<Run>>) =>
    (await Promise.allSettled(calls)).map((result) => {
      if (result.status === 'fulfilled') return 'ok';
      expect(result.reason).toBeInstanceOf(AppError);
      return (result.reason as AppError).code;
    });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-races-'));
    fs.writeFileSync(path.join(dir, 'two-person.yaml'), 'id: two-person\ntitle: Two approvers\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: approve, approvers: 2, maxRunsPerHour: 100 }\n');
    fs.writeFileSync(path.join(dir, 'gated.yaml'), 'id: gated\ntitle: Gated\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: approve, approvers: 1, maxRunsPerHour: 100, concurrency: 10 }\n');
    server = await startTestServer({ runbooks: { dir, reloadDebounceMs: 50, globalRunsPerHour: 1000 }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an approval racing a rejection: one decision stands, the other is a 409 with no approval recorded', async () => {
    const { service } = server.app.runbooks;
    for (let i = 0; i < 3; i++) {
      const run = await request();
      const outcomes = await settle([service.approve(run.id, alice, null), service.reject(run.id, bob, null)]);
      expect(outcomes.sort()).toEqual(['E_CONFLICT', 'ok']);
      const after = await service.run(run.id);
      expect(after.approvals).toHaveLength(1);
      const [decision] = after.approvals;
      expect(after.state === 'rejected' ? 'reject' : 'approve').toBe(decision!.decision);
      expect(await decisionsInAudit(run.id)).toEqual([`runbook.run.${decision!.decision}:success:${decision!.user}`]);
    }
  });

  it('two approvals at once of a run that needs one: the second is a 409, not a second "approved by"', async () => {
    const { service } = server.app.runbooks;
    const run = await request();
    expect((await settle([service.approve(run.id, alice, null), service.approve(run.id, bob, null)])).sort()).toEqual(['E_CONFLICT', 'ok']);
    expect((await service.run(run.id)).approvals).toHaveLength(1);
    expect(await decisionsInAudit(run.id)).toHaveLength(1);
  });

  it('the same approval replayed (twice at once, or again later) counts once and the replay is a 409', async () => {
    const { service } = server.app.runbooks;
    const response = await server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/two-person/runs', payload: {} });
    const run = response.json() as Run;
    expect((await settle([service.approve(run.id, alice, null), service.approve(run.id, alice, null)])).sort()).toEqual(['E_CONFLICT', 'ok']);
    expect(await settle([service.approve(run.id, alice, 'again')])).toEqual(['E_CONFLICT']);
    const after = await service.run(run.id);
    expect(after).toMatchObject({ state: 'pending_approval', approvals: [{ user: 'alice', decision: 'approve' }] });
    expect(await decisionsInAudit(run.id)).toEqual(['runbook.run.approve:success:alice']);
    // A second person completes it.
    expect((await service.approve(run.id, bob, null)).state).not.toBe('pending_approval');
  });
});

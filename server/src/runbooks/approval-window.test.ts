import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { AppError } from '../../../shared/errors.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { Requester } from './service.ts';

const TTL_MS = 3_600_000;

/**
 * A proposal not decided within SMARTCLOUDOPS_RUNBOOK_APPROVAL_TTL expires (docs/runbooks.md).
 * Expiry is swept by a timer (every minute at most), so the server's clock is moved past the
 * window here and the decision is taken before any sweep: it must still find the run expired.
 */
describe('a decision after the approval window', () => {
  let server: TestServer;
  let dir: string;
  let offsetMs = 0;
  const alice: Requester = { actor: { name: 'alice', kind: 'user' }, userId: 201, role: 'operator' };
  const bob: Requester = { actor: { name: 'bob', kind: 'user' }, userId: 202, role: 'operator' };

  const audited = async (runId: number) =>
    ((await server.injectAs('admin', { method: 'GET', url: `/api/v1/audit?target=runbook-run:${runId}` })).json() as { entries: Array<{ action: string; outcome: string }> }).entries.map((e) => `${e.action}:${e.outcome}`);
  const refusal = async (decision: Promise<Run>) => {
    const error = await decision.then(() => null, (reason: unknown) => reason);
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).code;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-window-'));
    fs.writeFileSync(path.join(dir, 'gated.yaml'), 'id: gated\ntitle: Gated\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: approve, approvers: 1, maxRunsPerHour: 100, concurrency: 10 }\n');
    server = await startTestServer({ now: () => Date.now() + offsetMs, runbooks: { dir, reloadDebounceMs: 50, globalRunsPerHour: 1000, approvalTtlMs: TTL_MS }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    // Tokens for the audit reads, issued before the clock moves.
    await server.tokenFor('admin');
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['approve', 'reject'] as const)('%s after the window: 409, the run reads expired, no decision recorded', async (decision) => {
    const { service } = server.app.runbooks;
    const run = await service.request('gated', {}, alice);
    expect(run.state).toBe('pending_approval');
    offsetMs += TTL_MS + 1_000;
    const call = decision === 'approve' ? service.approve(run.id, bob, null) : service.reject(run.id, bob, null);
    expect(await refusal(call)).toBe('E_CONFLICT');
    const after = await service.run(run.id);
    expect(after).toMatchObject({ state: 'expired', reason: 'approval_timeout', approvals: [], steps: [] });
    expect(await audited(run.id)).toEqual(expect.arrayContaining(['runbook.run.expired:failure']));
    expect((await audited(run.id)).filter((entry) => entry.startsWith(`runbook.run.${decision}`))).toEqual([]);
  });

  it('a decision just inside the window is taken', async () => {
    const { service } = server.app.runbooks;
    const run = await service.request('gated', {}, alice);
    offsetMs += TTL_MS - 1_000;
    expect((await service.approve(run.id, bob, null)).state).not.toBe('pending_approval');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { AppError } from '../../../shared/errors.ts';
import { eventually } from '../testing/eventually.ts';
import { useRunbookServer } from './testing/runbook-server.ts';
import type { Requester } from './service.ts';

const file = (approvers: number) => `id: guarded\ntitle: Guarded\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: approve, approvers: ${approvers}, maxRunsPerHour: 100, concurrency: 10 }\n`;
const person = (userId: number, name: string): Requester => ({ actor: { name, kind: 'user' }, userId, role: 'operator' });
const [alice, bob, carol] = [person(501, 'alice'), person(502, 'bob'), person(503, 'carol')];

/**
 * A runbook file changed while a run waits for approval: the plan (which covers the safety
 * settings) changed, earlier approvals are void, and the run is reviewed again under the
 * file as it now is, including how many people must approve it.
 */
describe('a waiting run whose file now asks for more approvers', () => {
  const fixture = useRunbookServer(() => ({ 'guarded.yaml': file(1) }));

  it('needs the approvals the file now asks for, not those of the plan it was requested with', async () => {
    const { server, dir } = fixture;
    const { service } = server.app.runbooks;
    const run = await service.request('guarded', {}, alice);
    expect(run).toMatchObject({ state: 'pending_approval', approvalsRequired: 1 });
    fs.writeFileSync(path.join(dir, 'guarded.yaml'), file(2));
    await eventually(async () => (await service.plan('guarded')).safety.approvers, (n) => n === 2);
    const voided = await service.approve(run.id, bob, null).then(() => null, (error: unknown) => error);
    expect(voided).toBeInstanceOf(AppError);
    expect((voided as AppError).code).toBe('E_CONFLICT');
    expect(await service.run(run.id)).toMatchObject({ state: 'pending_approval', approvalsRequired: 2 });
    // Reviewed again: one approval of the new plan is not enough any more.
    expect(await service.approve(run.id, bob, null)).toMatchObject({ state: 'pending_approval' });
    const second: Run = await service.approve(run.id, carol, null);
    expect(second.state).not.toBe('pending_approval');
    expect(second.approvals.filter((a) => !a.void).map((a) => a.user)).toEqual(['bob', 'carol']);
  });
});

import { describe, expect, it } from 'vitest';
import { eventually } from '../testing/eventually.ts';
import { useRunbookServer } from './testing/runbook-server.ts';

interface AuditEntry {
  action: string;
  actor: string;
  target: string;
  outcome: string;
  details: Record<string, unknown>;
}

/** One free string parameter passed to a harmless command. */
const TOOL_RUNBOOK = `id: tool
title: A tool
params:
  value: { type: string, maxLength: 200 }
steps:
  - name: run
    run: [/bin/true, "{{params.value}}"]
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100 }
`;

/**
 * docs/runbooks.md: "every request, refusal, approval, rejection, start and end is in the
 * audit log". A run request refused for its values (an option smuggled into argv, a value
 * outside the declared parameters) or for a plan that changed since the preview left no
 * trace: someone probing a runbook for injections was invisible.
 */
describe('refused runbook run requests are audited', () => {
  const fixture = useRunbookServer(() => ({ 'tool.yaml': TOOL_RUNBOOK }));

  it('an injected option, an undeclared parameter and a stale plan hash each leave a denied entry naming the requester', async () => {
    const request = (payload: object) => fixture.server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/tool/runs', payload });
    expect((await request({ params: { value: '--output=/etc/passwd' } })).statusCode).toBe(400);
    expect((await request({ params: { value: 'x', extra: 'y' } })).statusCode).toBe(400);
    expect((await request({ params: { value: 'x' }, planHash: '0'.repeat(64) })).statusCode).toBe(409);

    const denied = await eventually(
      async () => ((await fixture.server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?limit=200' })).json() as { entries: AuditEntry[] }).entries.filter((entry) => entry.action === 'runbook.run.denied'),
      (entries) => entries.length >= 3,
    );
    expect(denied.map(({ actor, target, outcome, details }) => ({ actor, target, outcome, reason: details.reason })).reverse()).toEqual([
      { actor: 'test-operator', target: 'runbook:tool', outcome: 'denied', reason: 'invalid' },
      { actor: 'test-operator', target: 'runbook:tool', outcome: 'denied', reason: 'invalid' },
      { actor: 'test-operator', target: 'runbook:tool', outcome: 'denied', reason: 'plan_changed' },
    ]);
    expect(String(denied.at(-1)!.details.message)).toMatch(/read as an option/);
  });
});

/**
 * Every undeclared parameter was named twice in the 400 (message and details) and all of
 * them were kept in the audit entry: an operator's (or a `runbooks:run` key's) 1 MiB request
 * of 60,000 of them wrote ~3.5 MB into the append-only audit log, and any viewer's plan
 * preview got a 5 MB answer. The answer and the entry now name a few and count the rest.
 */
describe('a request with thousands of undeclared parameters', () => {
  const fixture = useRunbookServer(() => ({ 'tool.yaml': TOOL_RUNBOOK }));

  it('gets a short answer and a short audit entry that still say how many there were', async () => {
    const params: Record<string, string> = { value: 'x' };
    for (let i = 0; i < 20_000; i++) params[`undeclared_${i}`] = 'y';
    for (const [role, url] of [['viewer', '/api/v1/runbooks/tool/plan'], ['operator', '/api/v1/runbooks/tool/runs']] as const) {
      const answer = await fixture.server.injectAs(role, { method: 'POST', url, payload: { params } });
      expect({ url, status: answer.statusCode, short: answer.body.length < 4096 }).toEqual({ url, status: 400, short: true });
      expect(answer.body).toContain('undeclared_0 is not a parameter of this runbook');
      expect(answer.body).toContain('19990 more');
    }
    const [entry] = await eventually(
      async () => ((await fixture.server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?limit=200' })).json() as { entries: AuditEntry[] }).entries.filter((e) => e.action === 'runbook.run.denied'),
      (entries) => entries.length >= 1,
    );
    expect(JSON.stringify(entry).length).toBeLessThan(4096);
    expect(entry!.details).toMatchObject({ reason: 'invalid', params: { value: 'x' }, undeclaredParams: 20_000 });
  });
});

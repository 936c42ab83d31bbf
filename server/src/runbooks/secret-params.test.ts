import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Run, RunbookDetail, RunbookList } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import { RunbookChatGateway } from './chat-gateway.ts';
import { useRunbookServer } from './testing/runbook-server.ts';

const ECHO = JSON.stringify(path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'echo-argv.fixture.js'));
const NODE = JSON.stringify(process.execPath);
const PASSWORD = 'rotated-pa55word-7e3f91';
const PIN = 482913;
const DEFAULT_TOKEN = 'file-default-token-5521';

/**
 * A runbook may ask for a credential at run time (docs/runbooks.md, "Secret parameters"): a
 * new database password for a rotation. Its value reaches the step and nothing else: not a
 * plan, a run, an event, an audit entry, a timeline, the step's output, the database in clear.
 */
describe('secret runbook parameters', () => {
  const fixture = useRunbookServer(() => ({
    'rotate.yaml': `id: rotate
title: Rotate the database password
params:
  cluster: { type: string, pattern: '^[a-z0-9-]+$' }
  password: { type: string, minLength: 8 }
  pin: { type: integer, secret: true }
  api_token: { type: string, default: ${DEFAULT_TOKEN} }
  token_kind: { type: string, enum: [bearer, basic], default: bearer }
steps:
  - name: rotate
    run: [${NODE}, ${ECHO}, "{{params.cluster}}", "--password={{params.password}}", "{{params.pin}}", "{{params.token_kind}}"]
  - name: print
    run: [/bin/sh, -c, 'echo "new password is $1 for $2"', sh, "{{params.password}}", "{{params.cluster}}"]
verify:
  query: 'up{cluster="{{params.cluster}}",secret="{{params.password}}"}'
  condition: ">= 0"
  within: 1s
safety: { mode: approve, approvers: 1, maxRunsPerHour: 100 }
`,
  }));

  const leaks = (text: string) => [PASSWORD, encodeURIComponent(PASSWORD), String(PIN), DEFAULT_TOKEN].filter((secret) => text.includes(secret));
  const params = { cluster: 'main', password: PASSWORD, pin: PIN };

  it('reach the step, and no answer, event, record, error or output; approval and the plan hash still work', async () => {
    const { server } = fixture;
    const events: string[] = [];
    const unsubscribe = server.app.ctx.events.subscribe((event) => events.push(JSON.stringify(event)));
    try {
      const list = await eventually(async () => (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/runbooks' })).json() as RunbookList, (body) => body.runbooks.length === 1);
      expect(leaks(JSON.stringify(list))).toEqual([]);
      expect(list.runbooks[0]!.params.api_token!.default).toBe('[redacted]');
      const detail = await server.injectAs('viewer', { method: 'GET', url: '/api/v1/runbooks/rotate' });
      expect(leaks(detail.body)).toEqual([]);
      expect((detail.json() as RunbookDetail).source).toContain('default: "[redacted]"');

      const plan = await server.injectAs('viewer', { method: 'POST', url: '/api/v1/runbooks/rotate/plan', payload: { params } });
      expect(plan.statusCode).toBe(200);
      expect(leaks(plan.body)).toEqual([]);
      expect(plan.json()).toMatchObject({
        params: { cluster: 'main', password: '[redacted]', pin: '[redacted]', api_token: '[redacted]', token_kind: 'bearer' },
        secretParams: ['password', 'pin', 'api_token'],
        // Not secret, so shown; the target leaves the secrets out.
        targets: ['cluster=main,token_kind=bearer'],
        steps: [{ argv: [process.execPath, expect.any(String), 'main', '--password=[redacted]', '[redacted]', 'bearer'] }, {}],
        verify: { query: 'up{cluster="main",secret="[redacted]"}' },
      });

      const requested = await server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/rotate/runs', payload: { params, planHash: (plan.json() as Run['plan']).hash } });
      expect(requested.statusCode).toBe(201);
      expect(leaks(requested.body)).toEqual([]);
      const id = (requested.json() as Run).id;

      // At rest: the plan sealed, the parameters column as shown.
      const row = await server.app.ctx.sql.db.selectFrom('runbook_runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(leaks(JSON.stringify(row))).toEqual([]);
      expect(row.plan.startsWith('sealed:')).toBe(true);

      // Another person approves the sealed plan: re-planned from the real values, so the hash matches.
      const approved = await server.injectAs('admin', { method: 'POST', url: `/api/v1/runbook-runs/${id}/approve`, payload: {} });
      expect(approved.statusCode).toBe(200);
      const done = await eventually(async () => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/runbook-runs/${id}` })), (response) => ['succeeded', 'failed'].includes((response.json() as Run).state));
      const run = done.json() as Run;
      expect(leaks(done.body)).toEqual([]);
      // The program got the real values; its printing of them is scrubbed.
      expect(JSON.parse(run.steps[0]!.output.trim()).argv).toEqual(['main', '--password=[redacted]', '[redacted]', 'bearer']);
      expect(run.steps[1]!.output).toContain('new password is [redacted] for main');
      // No series answers the verify here: it fails, and its reason (the query) is scrubbed too.
      expect(run).toMatchObject({ state: 'failed', reason: expect.stringContaining('secret="[redacted]"') });

      const audit = await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?limit=200' });
      expect(leaks(audit.body)).toEqual([]);
      expect(audit.body).toContain('"password":"[redacted]"');
      expect(leaks(events.join('\n'))).toEqual([]);
      const stepRows = await server.app.ctx.sql.db.selectFrom('runbook_run_steps').selectAll().where('run_id', '=', id).execute();
      expect(leaks(JSON.stringify(stepRows))).toEqual([]);
    } finally {
      unsubscribe();
    }
  });

  it('a refused request records what was asked without the secret', async () => {
    const { server } = fixture;
    const refused = await server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/rotate/runs', payload: { params: { ...params, cluster: 'Not Valid' } } });
    expect(refused.statusCode).toBe(400);
    const audit = await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?limit=50' });
    expect(audit.body).toContain('runbook.run.denied');
    expect(leaks(audit.body)).toEqual([]);
  });

  it('chat does not take a secret parameter, and sends the person to the run form', async () => {
    const gateway = new RunbookChatGateway(fixture.server.app.runbooks);
    const requester = { key: 'user:900', name: 'chat-user', kind: 'user' as const, role: 'operator' as const, scopes: null, ip: null, channel: 'slack' as const };
    await expect(gateway.plan({ runbookId: 'rotate', params: { cluster: 'main', password: PASSWORD, pin: String(PIN) }, requester })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('chat does not take it') });
    await expect(gateway.requestRun({ runbookId: 'rotate', params: { cluster: 'main' }, requester })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining("run it from the console's run form") });
  });
});

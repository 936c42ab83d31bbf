import { describe, expect, it } from 'vitest';
import type { Run, RunbookDetail } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import { useRunbookServer } from './testing/runbook-server.ts';

const HEADER_SECRET = 'Bearer awx-launch-token-0123456789';
const ENV_SECRET = 'env-password-9876543210';

/**
 * A runbook file may hold credentials for the systems it drives (docs/runbooks.md: an AWX
 * token in a webhook's `authorization` header, a password in a step's `env`). The server
 * needs them to execute; a viewer reading the runbook, its plan or a run (or the stream)
 * must not get them.
 */
describe('runbook credentials stay on the server', () => {
  const fixture = useRunbookServer(() => ({
    'handover.yaml': `id: handover
title: Hand over to AWX
params:
  service: { type: string, pattern: '^[a-z0-9-]+$' }
steps:
  - name: check
    run: [/bin/true, "{{params.service}}"]
    env: { DB_PASSWORD: "${ENV_SECRET}", SERVICE: "{{params.service}}" }
  - name: awx
    webhook:
      url: "http://127.0.0.1:9/api/v2/job_templates/42/launch/"
      headers: { authorization: "${HEADER_SECRET}", x-service: "{{params.service}}" }
      payload: { extra_vars: { service: "{{params.service}}" } }
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100 }
`,
  }), { webhookAllow: ['http://127.0.0.1:9/api/v2/'] });

  const expectNoSecret = (what: string, text: string) => {
    expect({ what, leaks: text.includes(HEADER_SECRET) || text.includes('awx-launch-token') || text.includes(ENV_SECRET) }).toEqual({ what, leaks: false });
  };

  it('the runbook, its plan, a dry run and the run events carry no credential, and what is not secret is still shown', async () => {
    const events: string[] = [];
    const unsubscribe = fixture.server.app.ctx.events.subscribe((event) => {
      if (event.type === 'runbook_run' || event.type === 'runbook_output') events.push(JSON.stringify(event.data));
    });
    try {
      const detail = await fixture.server.injectAs('viewer', { method: 'GET', url: '/api/v1/runbooks/handover' });
      expect(detail.statusCode).toBe(200);
      expectNoSecret('GET /runbooks/:id', detail.body);
      const body = detail.json() as RunbookDetail;
      expect(body.definition.steps[1]!.webhook!.headers!['x-service']).toBe('{{params.service}}');
      expect(body.source).toContain('x-service');

      const plan = await fixture.server.injectAs('viewer', { method: 'POST', url: '/api/v1/runbooks/handover/plan', payload: { params: { service: 'web' } } });
      expect(plan.statusCode).toBe(200);
      expectNoSecret('plan', plan.body);
      expect(plan.json()).toMatchObject({ steps: [{ env: { SERVICE: 'web' } }, { headers: { 'x-service': 'web' } }] });

      const dry = await fixture.server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/handover/runs', payload: { params: { service: 'web' }, dryRun: true } });
      expect(dry.statusCode).toBe(201);
      const run = await eventually(async () => (await fixture.server.injectAs('viewer', { method: 'GET', url: `/api/v1/runbook-runs/${(dry.json() as Run).id}` })), (response) => (response.json() as Run).state === 'succeeded');
      expectNoSecret('GET /runbook-runs/:id', run.body);
      expect((run.json() as Run).steps[0]!.output).toContain('SERVICE');
      expectNoSecret('GET /runbook-runs', (await fixture.server.injectAs('viewer', { method: 'GET', url: '/api/v1/runbook-runs' })).body);
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) expectNoSecret('stream event', event);
    } finally {
      unsubscribe();
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { Run, RunbookDetail } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import { useRunbookServer } from './testing/runbook-server.ts';

const SECRETS = ['url-secret-1111', 'body-secret-2222', 'nested-secret-3333', 'payload-secret-4444'];

/**
 * Credentials travel in more places than headers and env: a token in a URL's query string,
 * a password in a JSON body, a key in a webhook payload. A viewer reading the runbook, its
 * plan or a run (dry or real, whose output names the URL it called) must not get them either.
 */
describe('runbook credentials in URLs and bodies stay on the server', () => {
  const fixture = useRunbookServer(() => ({
    'notify.yaml': `id: notify
title: Notify the fleet engine
params:
  service: { type: string, pattern: '^[a-z0-9-]+$' }
steps:
  - name: call
    http:
      method: POST
      url: "http://127.0.0.1:9/hooks/{{params.service}}?api_token=${SECRETS[0]}&service={{params.service}}"
      body: { password: "${SECRETS[1]}", service: "{{params.service}}", nested: [{ client_secret: "${SECRETS[2]}" }] }
rollback:
  - name: awx
    webhook:
      url: "http://127.0.0.1:9/api/v2/job_templates/42/launch/"
      payload: { extra_vars: { service: "{{params.service}}", token: "${SECRETS[3]}" } }
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100 }
`,
  }), { httpAllow: ['http://127.0.0.1:9/'], webhookAllow: ['http://127.0.0.1:9/api/v2/'] });

  const leaked = (text: string) => SECRETS.filter((secret) => text.includes(secret));

  it('the runbook, its plan, a dry run, a real run and the run events carry none, and what is not secret is still shown', async () => {
    const events: string[] = [];
    const unsubscribe = fixture.server.app.ctx.events.subscribe((event) => {
      if (event.type === 'runbook_run' || event.type === 'runbook_output') events.push(JSON.stringify(event.data));
    });
    try {
      const detail = await fixture.server.injectAs('viewer', { method: 'GET', url: '/api/v1/runbooks/notify' });
      expect(detail.statusCode).toBe(200);
      expect({ what: 'GET /runbooks/:id', leaked: leaked(detail.body) }).toEqual({ what: 'GET /runbooks/:id', leaked: [] });
      const definition = (detail.json() as RunbookDetail).definition;
      expect(definition.steps[0]!.http!.body).toMatchObject({ service: '{{params.service}}' });
      expect(definition.steps[0]!.http!.url).toContain('service={{params.service}}');

      const plan = await fixture.server.injectAs('viewer', { method: 'POST', url: '/api/v1/runbooks/notify/plan', payload: { params: { service: 'web' } } });
      expect(plan.statusCode).toBe(200);
      expect({ what: 'plan', leaked: leaked(plan.body) }).toEqual({ what: 'plan', leaked: [] });
      expect(plan.json()).toMatchObject({ steps: [{ body: { service: 'web' } }], rollback: [{ body: { extra_vars: { service: 'web' } } }] });

      const finished = (state: string) => state === 'succeeded' || state === 'failed' || state === 'rolled_back';
      for (const dryRun of [true, false]) {
        const requested = await fixture.server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/notify/runs', payload: { params: { service: 'web' }, dryRun } });
        expect(requested.statusCode).toBe(201);
        const url = `/api/v1/runbook-runs/${(requested.json() as Run).id}`;
        const run = await eventually(() => fixture.server.injectAs('viewer', { method: 'GET', url }), (response) => finished((response.json() as Run).state));
        expect({ dryRun, leaked: leaked(run.body) }).toEqual({ dryRun, leaked: [] });
        // The step's output still says where it went.
        expect((run.json() as Run).steps[0]!.output).toContain('http://127.0.0.1:9/hooks/web?');
      }
      expect(leaked((await fixture.server.injectAs('viewer', { method: 'GET', url: '/api/v1/runbook-runs' })).body)).toEqual([]);
      expect(events.length).toBeGreaterThan(0);
      expect(events.flatMap(leaked)).toEqual([]);
    } finally {
      unsubscribe();
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { Alert, Silence } from '../../../shared/api/alerts.ts';
import { useRunbookServer } from './testing/runbook-server.ts';

/**
 * A `silence` step whose `match` takes a value from the triggering alert's labels: run by
 * hand (no alert), or for an alert without that label, the value is empty, and a matcher
 * `service=""` holds for every alert that has no `service` label. The silence meant for one
 * alert would then quiet unrelated ones (the disk of the database here). Such a plan is
 * refused before anything runs.
 */
describe('a runbook silence never widens to alerts it was not meant for', () => {
  const fixture = useRunbookServer(() => ({
    'quiet.yaml': `id: quiet
title: Quiet the service's alert while it restarts
steps:
  - name: quiet
    silence: { duration: 30m, comment: "restarting", match: { service: "{{labels.service}}" } }
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100 }
`,
    'quiet-web.yaml': `id: quiet-web
title: Quiet the web service
steps:
  - name: quiet
    silence: { duration: 30m, comment: "restarting", match: { service: web, team: "" } }
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100 }
`,
  }));

  it('run by hand, the empty matcher is refused (400) and no silence is created', async () => {
    const pushed = await fixture.server.injectAs('admin', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: [{ status: 'firing', labels: { alertname: 'DiskFull', instance: 'db-1' } }] } });
    expect(pushed.statusCode).toBe(200);

    const plan = await fixture.server.injectAs('viewer', { method: 'POST', url: '/api/v1/runbooks/quiet/plan', payload: {} });
    expect(plan.statusCode).toBe(400);
    expect(plan.json().error.message).toMatch(/service/);
    const run = await fixture.server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/quiet/runs', payload: {} });
    expect(run.statusCode).toBe(400);

    const silences = (await fixture.server.injectAs('viewer', { method: 'GET', url: '/api/v1/silences' })).json() as Silence[] | { items: Silence[] };
    expect(Array.isArray(silences) ? silences : silences.items).toEqual([]);
    const alerts = ((await fixture.server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts' })).json() as { items: Alert[] }).items;
    expect(alerts.map((alert) => ({ name: alert.labels.alertname, silenced: alert.silenced }))).toEqual([{ name: 'DiskFull', silenced: false }]);
  });

  it('values the file writes itself, an empty one included, are taken as written', async () => {
    const plan = await fixture.server.injectAs('viewer', { method: 'POST', url: '/api/v1/runbooks/quiet-web/plan', payload: {} });
    expect(plan.statusCode).toBe(200);
    expect(plan.json()).toMatchObject({ steps: [{ match: { service: 'web', team: '' } }] });
  });
});

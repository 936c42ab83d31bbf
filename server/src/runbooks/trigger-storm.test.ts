import { describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import { useRunbookServer } from './testing/runbook-server.ts';

const RUNBOOK = `id: restart-on-down
title: Restart on ServiceDown
params:
  service: { type: string, enum: [web, api] }
target: "{{params.service}}"
triggers:
  - match: { alertname: ServiceDown }
    params: { service: "{{labels.service}}" }
steps:
  - name: note
    note: { text: "restarting {{params.service}}" }
safety: { mode: approve, approvers: 1, maxRunsPerHour: 100 }
`;

/**
 * "At most one open proposal or run per runbook and target" (docs/runbooks.md, Triggers),
 * for a storm that arrives as one batch (an Alertmanager webhook of many alerts, one
 * ingest): every alert's trigger is handled at once, and each must see the others' proposal.
 */
describe('an alert storm in one batch', () => {
  const fixture = useRunbookServer(() => ({ 'restart-on-down.yaml': RUNBOOK }));

  it('proposes one run per runbook and target, however many alerts of the batch match', async () => {
    const { app } = fixture.server;
    const batch = (service: string) => Array.from({ length: 8 }, (_, i) => ({ source: 'api' as const, status: 'firing' as const, labels: { alertname: 'ServiceDown', service, pod: `${service}-${i}` } }));
    const ingested = await app.alerts.service.ingest([...batch('web'), ...batch('api')]);
    expect(ingested).toHaveLength(16);
    // Every alert's trigger has answered (proposed, or found one open).
    const runs: Run[] = await eventually(
      async () => ({ inFlight: app.runbooks.triggersInFlight, runs: await app.runbooks.service.runs({ runbook: 'restart-on-down' }) }),
      ({ inFlight, runs }) => inFlight === 0 && runs.length >= 2,
    ).then(({ runs }) => runs);
    expect(runs.map((run) => `${run.target}:${run.state}`).sort()).toEqual(['api:pending_approval', 'web:pending_approval']);
  });
});

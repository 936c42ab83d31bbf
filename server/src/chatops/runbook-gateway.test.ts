import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCard } from '../../../shared/api/chatops.ts';
import type { InventoryRunbook } from '../../../shared/chatops/inventory.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { UnavailableRunbookGateway, type RunbookGateway, type RunbookPlanPreview, type RunbookRequest, type RunbookRunRequest } from './runbook-gateway.ts';

/**
 * The runbooks feature is another feature's; ChatOps reaches it only through the gateway.
 * This gateway stands in for it (keeping what it was asked) to prove the contract: the
 * confirmation shows the runbook's plan, the run is requested only on confirmation, with
 * the parameters the line named, and the command lands on the incident's timeline.
 */
class RecordingGateway implements RunbookGateway {
  readonly available = true;
  readonly requested: RunbookRequest[] = [];
  readonly #runbooks: InventoryRunbook[] = [{ id: 'restart-service', title: 'Restart a service', keywords: ['restart'], params: ['service', 'host'] }];

  find(query: string): InventoryRunbook[] {
    return this.#runbooks.filter((r) => r.id.includes(query));
  }

  async plan(request: RunbookRequest): Promise<RunbookPlanPreview> {
    return { runbookId: request.runbookId, title: 'Restart a service', steps: [`drain ${request.params.host}`, `restart ${request.params.service}`], needsApproval: true };
  }

  async requestRun(request: RunbookRequest): Promise<RunbookRunRequest> {
    this.requested.push(request);
    return { runId: 'run-1', status: 'pending_approval', text: 'Waiting for approval.' };
  }

  // (Cancels are the runbooks feature's own: server/src/runbooks/chat-gateway.test.ts.)
  cancelCheck(): ReturnType<RunbookGateway['cancelCheck']> {
    return new UnavailableRunbookGateway().cancelCheck();
  }

  cancelRun(): ReturnType<RunbookGateway['cancelRun']> {
    return new UnavailableRunbookGateway().cancelRun();
  }
}

describe('runbook.run through the gateway', () => {
  let server: TestServer;
  const gateway = new RecordingGateway();
  beforeAll(async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 }, chatops: { runbooks: gateway } });
    await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'up', labels: { host: 'api-1' }, samples: [[Date.now(), 1]] }] } });
  });
  afterAll(() => server.close());

  const chat = async (text: string, confirm?: string) =>
    (await server.injectAs('operator', { method: 'POST', url: '/api/v1/chat', payload: { text, ...(confirm ? { confirm } : {}) } })).json() as ChatCard;

  it('plans on the question, requests the run on the confirmation, and records it on the incident', async () => {
    const alert = (await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'Down', host: 'api-1' } }]))[0]!.alert;
    const text = `bounce web on api-1 for incident ${alert.incidentId}`;
    const question = await chat(text);
    expect(question).toMatchObject({ kind: 'confirmation', intent: 'runbook.run', requiredPermission: 'runbooks:run' });
    expect(question.text).toContain('1. drain api-1 2. restart web');
    expect(question.text).toContain('needs approval');
    expect(gateway.requested).toHaveLength(0);

    const done = await chat(text, (question as { token: string }).token);
    expect(done).toMatchObject({ kind: 'text', title: 'Runbook restart-service: pending_approval' });
    expect(gateway.requested).toHaveLength(1);
    expect(gateway.requested[0]).toMatchObject({ runbookId: 'restart-service', params: { service: 'web', host: 'api-1' }, incidentId: alert.incidentId, requester: { name: 'test-operator' } });
    const timeline = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${alert.incidentId}/timeline` })).json() as { kind: string; text: string }[];
    expect(timeline.some((e) => e.kind === 'command' && e.text.includes('bounce web on api-1'))).toBe(true);
  });
});

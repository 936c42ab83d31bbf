import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryRunbook } from '../../../shared/chatops/inventory.ts';
import type { Permission } from '../../../shared/auth/permissions.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { UnavailableRunbookGateway, type RunbookGateway } from './runbook-gateway.ts';

/** A runbooks feature with one runbook, for the inventory (nothing is planned or run here). */
class OneRunbook implements RunbookGateway {
  readonly available = true;
  readonly #runbooks: InventoryRunbook[] = [{ id: 'failover-payments-db', title: 'Fail the payments database over', keywords: ['failover'], params: ['host'] }];
  readonly #unavailable = new UnavailableRunbookGateway();
  find(query: string): InventoryRunbook[] {
    return this.#runbooks.filter((r) => r.id.includes(query));
  }
  plan(): ReturnType<RunbookGateway['plan']> {
    return this.#unavailable.plan();
  }
  requestRun(): ReturnType<RunbookGateway['requestRun']> {
    return this.#unavailable.requestRun();
  }
  cancelCheck(): ReturnType<RunbookGateway['cancelCheck']> {
    return this.#unavailable.cancelCheck();
  }
  cancelRun(): ReturnType<RunbookGateway['cancelRun']> {
    return this.#unavailable.cancelRun();
  }
}

/**
 * Fifth attack round: `POST /chat/parse` (and the chat itself) is open to any credential, and
 * the parser corrects words against the server's inventory: an API key scoped to
 * `alerts:write` (Alertmanager's) typed "cpu on secret-paymnts-db-7" and was told the real
 * host `secret-payments-db-7`, and runbook names the same way — what `metrics:read` and
 * `runbooks:read` guard on their own routes. The inventory a principal's words are matched
 * against now holds only what its permissions may read.
 */
describe("chat's inventory follows the principal's permissions", () => {
  let server: TestServer;
  const keys = new Map<string, string>();
  beforeAll(async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 }, chatops: { runbooks: new OneRunbook() } });
    await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'node_cpu_usage_ratio', labels: { host: 'secret-payments-db-7' }, samples: [[Date.now(), 0.5]] }] } });
    for (const scopes of [['alerts:write'], ['metrics:read'], ['anomalies:read'], ['runbooks:run']] as Permission[][]) {
      const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: scopes.join(','), role: 'operator', scopes } });
      keys.set(scopes.join(','), created.json().secret as string);
    }
  });
  afterAll(() => server.close());

  const parse = async (key: string, text: string) =>
    (await server.app.inject({ method: 'POST', url: '/api/v1/chat/parse', headers: { authorization: `Bearer ${keys.get(key)}` }, payload: { text } })).json() as { intent: string; slots: Record<string, unknown>; preview: string };

  it('a key without metrics:read or anomalies:read is not told the names of hosts', async () => {
    const parsed = await parse('alerts:write', 'cpu on secret-paymnts-db-7');
    expect(parsed.slots.target).toBeUndefined();
    expect(JSON.stringify(parsed)).not.toContain('secret-payments-db-7');
    // With metrics:read the word is corrected as before.
    expect((await parse('metrics:read', 'cpu on secret-paymnts-db-7')).slots.target).toBe('secret-payments-db-7');
    // anomalies:read lists the targets the engine scores (GET /anomaly/status): "why is … anomalous" still finds them.
    expect((await parse('anomalies:read', 'why is secret-paymnts-db-7 anomalous')).slots.target).toBe('secret-payments-db-7');
  });

  it('a key without runbooks:read or runbooks:run is not told the names of runbooks', async () => {
    const parsed = await parse('alerts:write', 'run failovr paymnts');
    expect(JSON.stringify(parsed)).not.toContain('failover-payments-db');
    // A key that may run runbooks still names them in chat.
    expect((await parse('runbooks:run', 'run failovr paymnts')).slots.runbook).toBe('failover-payments-db');
  });

  it('a signed-in user keeps the whole inventory', async () => {
    const parsed = (await server.injectAs('viewer', { method: 'POST', url: '/api/v1/chat/parse', payload: { text: 'cpu on secret-paymnts-db-7' } })).json() as { slots: Record<string, unknown> };
    expect(parsed.slots.target).toBe('secret-payments-db-7');
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../../shared/api/alerts.ts';
import type { Datasource } from '../../../shared/api/datasources.ts';
import { eventually } from '../testing/eventually.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/** A Prometheus played by a small HTTP server: `answer` answers range queries, `hang` holds them open until closed. */
async function fakePrometheus(mode: 'answer' | 'hang') {
  const state = { received: 0, open: 0 };
  const held = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    state.received++;
    if (mode === 'hang') {
      state.open++;
      held.add(response);
      response.on('close', () => {
        state.open--;
        held.delete(response);
      });
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { __name__: 'up', job: 'x' }, values: [[now, '1']] }] } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of held) response.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * PromQL rules were evaluated in one pass that waited for every rule, and a tick finding
 * the pass still running was skipped: one source that hangs (until its timeout, up to
 * 300 s) held back the rules of every other source for as long.
 */
describe('PromQL rules on a source that hangs', () => {
  let healthy: Awaited<ReturnType<typeof fakePrometheus>>;
  let hanging: Awaited<ReturnType<typeof fakePrometheus>>;
  let server: TestServer;

  beforeAll(async () => {
    healthy = await fakePrometheus('answer');
    hanging = await fakePrometheus('hang');
    server = await startTestServer({ alerts: { ruleIntervalMs: 200 } });
    await server.app.ready();
  }, 60_000);

  afterAll(async () => {
    await hanging?.close();
    await server?.close();
    await healthy?.close();
  });

  it('keep the cadence of the rules on other sources, and never stack a second query behind the hung one', async () => {
    const source = async (name: string, url: string) =>
      ((await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name, type: 'prometheus', url, timeoutSeconds: 120, scrapeIntervalSeconds: 1 } })).json() as Datasource).id;
    const rule = async (name: string, datasourceId: number) => {
      const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/alert-rules', payload: { name, datasourceId, expr: 'up', condition: { reducer: 'last', op: '<', threshold: 0 } } });
      expect(created.statusCode, created.body).toBe(201);
      return (created.json() as Rule).id;
    };
    await rule('OnHangingSource', await source('hanging', hanging.url));
    await eventually(() => hanging.state.open, (open) => open === 1);
    const healthyRule = await rule('OnHealthySource', await source('healthy', healthy.url));

    // While the hanging source holds its one query, the other rule is evaluated tick after tick.
    const seen = new Set<number>();
    await eventually(
      async () => (await server.app.alerts.rules.byId(healthyRule))!,
      (r) => {
        if (r.lastEvaluatedAt !== null && r.lastError === null) seen.add(r.lastEvaluatedAt);
        return seen.size >= 4;
      },
      20_000,
    );
    expect(hanging.state.open).toBe(1);
    expect(hanging.state.received).toBe(1);
  }, 60_000);
});

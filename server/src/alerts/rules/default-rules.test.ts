import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';
import type { Alert, Rule } from '../../../../shared/api/alerts.ts';

const DEFAULTS = ['HostDiskFull', 'HostHighCpu', 'HostHighLoadPerCore', 'HostHighMemory'];

describe('default host rules', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('ships CPU, memory, disk and load-per-core rules that fire on a saturated host', async () => {
    let t = Date.now();
    server = await startTestServer({ now: () => t, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    const rules = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alert-rules' })).json() as Rule[];
    expect(rules.map((rule) => rule.name).sort()).toEqual(DEFAULTS);
    expect(rules.every((rule) => rule.enabled && rule.createdBy === 'system')).toBe(true);
    expect(rules.find((rule) => rule.name === 'HostHighCpu')).toMatchObject({ selector: 'node_cpu_utilisation_ratio', condition: { reducer: 'avg', op: '>', threshold: 0.9 }, forSeconds: 600 });

    // 100 % CPU, sampled every 10 s, evaluated every 30 s for 11 minutes.
    const alerts = async (): Promise<Alert[]> => (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?source=rule' })).json().items;
    const start = t;
    while (t - start <= 11 * 60_000) {
      await server.app.metrics.ingest([
        { name: 'node_cpu_utilisation_ratio', labels: { host: 'busy-1' }, samples: [[t, 1]] },
        { name: 'node_cpu_utilisation_ratio', labels: { host: 'idle-1' }, samples: [[t, 0.05]] },
      ]);
      if ((t - start) % 30_000 === 0) await server.app.alerts.evaluator!.evaluateAll(t);
      if (t - start === 5 * 60_000) expect(await alerts()).toEqual([]);
      t += 10_000;
    }
    const fired = await alerts();
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ state: 'firing', severity: 'warning', labels: { alertname: 'HostHighCpu', host: 'busy-1' }, annotations: { summary: 'CPU above 90% on busy-1 for 10 minutes' } });
  });

  it('lets an admin disable, edit or delete them, and never re-creates a deleted one', async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    const dataDir = server.dataDir;
    const byName = async () => new Map(((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alert-rules' })).json() as Rule[]).map((rule) => [rule.name, rule]));
    const before = await byName();
    const memory = before.get('HostHighMemory')!;
    const disabled = await server.injectAs('admin', {
      method: 'PUT', url: `/api/v1/alert-rules/${memory.id}`,
      payload: { name: memory.name, selector: memory.selector, condition: { ...memory.condition, threshold: 0.95 }, windowSeconds: memory.windowSeconds, forSeconds: memory.forSeconds, severity: 'critical', annotations: memory.annotations, enabled: false },
    });
    expect(disabled.statusCode).toBe(200);
    expect((await server.injectAs('operator', { method: 'DELETE', url: `/api/v1/alert-rules/${before.get('HostDiskFull')!.id}` })).statusCode).toBe(403);
    expect((await server.injectAs('admin', { method: 'DELETE', url: `/api/v1/alert-rules/${before.get('HostDiskFull')!.id}` })).statusCode).toBe(204);

    await server.app.close();
    server = await startTestServer({ dataDir, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    const after = await byName();
    expect([...after.keys()].sort()).toEqual(['HostHighCpu', 'HostHighLoadPerCore', 'HostHighMemory']);
    expect(after.get('HostHighMemory')).toMatchObject({ enabled: false, severity: 'critical', condition: { threshold: 0.95 } });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases, useTestDatabase } from '../../testing/databases.ts';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';
import type { Alert, Rule } from '../../../../shared/api/alerts.ts';
import { expand, holds, reduce } from './condition.ts';

describe('rule conditions', () => {
  it('reduces a window and compares', () => {
    const samples: Array<[number, number]> = [[1, 0.5], [2, 0.9], [3, 0.7]];
    expect(reduce(samples, 'last')).toBe(0.7);
    expect(reduce(samples, 'max')).toBe(0.9);
    expect(reduce(samples, 'min')).toBe(0.5);
    expect(reduce(samples, 'avg')).toBeCloseTo(0.7);
    expect(reduce([], 'avg')).toBeNull();
    expect(holds(0.9, { reducer: 'last', op: '>', threshold: 0.8 })).toBe(true);
    expect(holds(0.8, { reducer: 'last', op: '>', threshold: 0.8 })).toBe(false);
    expect(holds(0.8, { reducer: 'last', op: '<=', threshold: 0.8 })).toBe(true);
    expect(expand('CPU on {{ labels.host }} at {{value}}', 0.91234567, { host: 'web-1' })).toBe('CPU on web-1 at 0.9123');
  });

  // A data source's series of hundreds of thousands of points (a lying Prometheus, within the 64 MiB answer
  // bound; or pushed samples a few a second over a day's window): `Math.max(...values)` passed
  // each value as an argument, past V8's limit, and the rule's error read "Maximum call stack
  // size exceeded" instead of it being evaluated.
  it('reduces a window of 200,000 samples', () => {
    const samples = Array.from({ length: 200_000 }, (_, i) => [i, i === 100_000 ? 99 : i === 150_000 ? -1 : 1] as [number, number]);
    expect(reduce(samples, 'max')).toBe(99);
    expect(reduce(samples, 'min')).toBe(-1);
  });
});

describe.each(testDatabases())('threshold rules on $name', (database) => {
  const databases = useTestDatabase(database);
  let server: TestServer;
  afterEach(async () => server?.close());

  it.skipIf(database.skip)('fires after the for duration, survives a restart without firing twice, and resolves', async () => {
    let t = Date.now();
    const now = () => t;
    const settings = { sweepIntervalMs: 0, ruleIntervalMs: 0 };
    const env = await databases.fresh();
    server = await startTestServer({ env, now, alerts: settings });
    const dataDir = server.dataDir;
    const sample = (host: string, value: number) => server.app.metrics.ingest([{ name: 'node_cpu_usage_ratio', labels: { host }, samples: [[t, value]] }]);
    const evaluate = () => server.app.alerts.evaluator!.evaluateAll(t);
    const alerts = async (): Promise<Alert[]> => (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?source=rule' })).json().items;

    const forbidden = await server.injectAs('operator', { method: 'POST', url: '/api/v1/alert-rules', payload: { name: 'x', selector: 'up', condition: { reducer: 'last', op: '>', threshold: 1 } } });
    expect(forbidden.statusCode).toBe(403);
    const created = await server.injectAs('admin', {
      method: 'POST',
      url: '/api/v1/alert-rules',
      payload: {
        name: 'HighCpu',
        selector: 'node_cpu_usage_ratio',
        condition: { reducer: 'avg', op: '>', threshold: 0.8 },
        windowSeconds: 60,
        forSeconds: 120,
        severity: 'critical',
        labels: { team: 'web' },
        annotations: { summary: 'CPU {{value}} on {{labels.host}}', runbook_url: 'https://runbooks/cpu' },
      },
    });
    expect(created.statusCode).toBe(201);
    const rule = created.json() as Rule;
    const badSelector = await server.injectAs('admin', { method: 'POST', url: '/api/v1/alert-rules', payload: { name: 'Bad', selector: 'cpu{host=', condition: { reducer: 'last', op: '>', threshold: 1 } } });
    expect(badSelector.statusCode).toBe(400);

    await sample('web-1', 0.95);
    await sample('web-2', 0.2);
    await evaluate();
    let state = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alert-rules/${rule.id}` })).json() as Rule;
    expect(state.series).toMatchObject([{ state: 'pending', labels: { host: 'web-1' } }]);
    expect(await alerts()).toEqual([]);

    // Restart while pending: the pending time is kept, so `for` counts from the first breach.
    await server.app.close();
    server = await startTestServer({ dataDir, env, now, alerts: settings });
    t += 121_000;
    await sample('web-1', 0.97);
    await evaluate();
    const fired = await alerts();
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      state: 'firing',
      severity: 'critical',
      labels: { alertname: 'HighCpu', host: 'web-1', team: 'web' },
      annotations: { summary: 'CPU 0.97 on web-1', runbook_url: 'https://runbooks/cpu' },
    });

    // Restart while firing: evaluating again does not fire a duplicate or repeat it.
    await server.app.close();
    server = await startTestServer({ dataDir, env, now, alerts: settings });
    t += 30_000;
    await sample('web-1', 0.99);
    await evaluate();
    const still = await alerts();
    expect(still).toHaveLength(1);
    expect(still[0]).toMatchObject({ id: fired[0]!.id, occurrences: 1, state: 'firing' });

    t += 61_000;
    await sample('web-1', 0.1);
    await evaluate();
    expect((await alerts())[0]).toMatchObject({ id: fired[0]!.id, state: 'resolved' });
    state = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alert-rules/${rule.id}` })).json() as Rule;
    expect(state).toMatchObject({ series: [], lastError: null, lastEvaluatedAt: t });

    // Deleting a rule resolves what it fired.
    t += 1000;
    await sample('web-1', 0.99);
    await server.injectAs('admin', { method: 'PUT', url: `/api/v1/alert-rules/${rule.id}`, payload: { name: 'HighCpu', selector: 'node_cpu_usage_ratio', condition: { reducer: 'last', op: '>', threshold: 0.8 }, severity: 'critical', labels: { team: 'web' } } });
    await evaluate();
    expect((await alerts()).map((a) => a.state)).toEqual(['firing']);
    expect((await server.injectAs('admin', { method: 'DELETE', url: `/api/v1/alert-rules/${rule.id}` })).statusCode).toBe(204);
    expect((await alerts()).map((a) => a.state)).toEqual(['resolved']);
    expect((await server.app.ctx.audit.query({ action: 'rule.*' })).map((e) => e.action)).toEqual(['rule.delete', 'rule.update', 'rule.create']);
    // Three server starts (argon2, migrations) with a clock the test moves: no wall-clock wait, but
    // CPU-bound, and on a loaded 2-core machine close to the 30 s default. A ceiling, not a bound.
  }, 180_000);
});

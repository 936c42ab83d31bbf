import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { AlertDetail, RulePreview, Silence, SilencePreview } from '../../../shared/api/alerts.ts';
import { previewRule } from './rules/preview.ts';
import type { MetricsQuery } from '../metrics/query.ts';

const QUIET = { sweepIntervalMs: 0, ruleIntervalMs: 0 };

describe('alert detail, silence preview and undo', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('answers the alert with its history, annotations, generator link and the silences that match it', async () => {
    server = await startTestServer({ alerts: QUIET });
    const pushed = await server.injectAs('operator', {
      method: 'POST',
      url: '/api/v1/alerts',
      payload: {
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'HighLatency', service: 'api', instance: 'api-2' },
            annotations: { description: 'p99 over 2 s', runbook_url: 'https://runbooks.example/latency' },
            generatorUrl: 'http://prometheus.example/graph?g0.expr=latency',
          },
        ],
      },
    });
    const [id] = pushed.json().alertIds as number[];
    const later = Date.now() + 3_600_000;
    const matching = (await server.injectAs('operator', { method: 'POST', url: '/api/v1/silences', payload: { matchers: [{ name: 'service', op: '=', value: 'api' }], startsAt: later, durationSeconds: 600, comment: 'deploy' } })).json() as Silence;
    await server.injectAs('operator', { method: 'POST', url: '/api/v1/silences', payload: { matchers: [{ name: 'service', op: '=', value: 'db' }], durationSeconds: 600, comment: 'other' } });

    const response = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${id}/detail` });
    expect(response.statusCode).toBe(200);
    const detail = response.json() as AlertDetail;
    expect(detail.alert).toMatchObject({ id, generatorUrl: 'http://prometheus.example/graph?g0.expr=latency', annotations: { runbook_url: 'https://runbooks.example/latency', description: 'p99 over 2 s' } });
    expect(detail.history.map((entry) => entry.toState)).toEqual(['firing']);
    // The pending silence matches (it will silence it), the other does not.
    expect(detail.silences.map((silence) => [silence.id, silence.state])).toEqual([[matching.id, 'pending']]);
    expect((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts/999/detail' })).statusCode).toBe(404);
  });

  it('previews the alerts a silence would match, and undoes an expire', async () => {
    server = await startTestServer({ alerts: QUIET });
    await server.app.alerts.service.ingest([
      { source: 'api', status: 'firing', labels: { alertname: 'DiskFull', host: 'web-1' } },
      { source: 'api', status: 'firing', labels: { alertname: 'DiskFull', host: 'web-2' } },
      { source: 'api', status: 'firing', labels: { alertname: 'HighCpu', host: 'web-1' } },
    ]);
    const preview = async (matchers: unknown) => server.injectAs('viewer', { method: 'POST', url: '/api/v1/silences/preview', payload: { matchers } });
    const disk = (await preview([{ name: 'alertname', op: '=', value: 'DiskFull' }])).json() as SilencePreview;
    expect(disk.total).toBe(2);
    expect(disk.alerts.map((alert) => alert.labels.host).sort()).toEqual(['web-1', 'web-2']);
    const regex = (await preview([{ name: 'host', op: '=~', value: 'web-1|db' }])).json() as SilencePreview;
    expect(regex.total).toBe(2);
    const bad = await preview([{ name: 'host', op: '=~', value: '(' }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('E_VALIDATION');

    const silence = (await server.injectAs('operator', { method: 'POST', url: '/api/v1/silences', payload: { matchers: [{ name: 'alertname', op: '=', value: 'DiskFull' }], durationSeconds: 3600, comment: 'disk work' } })).json() as Silence;
    const silencedCount = async () => (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?silenced=true' })).json().total as number;
    expect(await silencedCount()).toBe(2);
    const restore = (endsAt: number, role: 'operator' | 'viewer' = 'operator') => server.injectAs(role, { method: 'POST', url: `/api/v1/silences/${silence.id}/restore`, payload: { endsAt } });
    expect((await restore(silence.endsAt)).statusCode).toBe(409);

    await server.injectAs('operator', { method: 'POST', url: `/api/v1/silences/${silence.id}/expire` });
    expect(await silencedCount()).toBe(0);
    expect((await restore(silence.endsAt, 'viewer')).statusCode).toBe(403);
    expect((await restore(Date.now() - 1000)).statusCode).toBe(400);
    const restored = await restore(silence.endsAt);
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ state: 'active', endsAt: silence.endsAt, expiredBy: null });
    expect(await silencedCount()).toBe(2);
    expect((await server.app.ctx.audit.query({ action: 'silence.*' })).map((entry) => entry.action)).toEqual(['silence.restore', 'silence.expire', 'silence.create']);
  });
});

describe('rule preview', () => {
  const metricsOf = (series: Array<{ host: string; samples: Array<[number, number]> }>): MetricsQuery => ({
    query: async (_selector, from, to) => series.map(({ host, samples }) => ({ name: 'node_cpu_usage_ratio', labels: { host }, samples: samples.filter(([t]) => t >= from && t <= to) })),
  });

  it('replays reduce, compare and for over the lookback, firing series first', async () => {
    const now = 10_000_000;
    const minute = 60_000;
    // web-1 is high for the last 10 minutes, web-2 had a 2-minute spike 30 minutes ago.
    const at = (minutesAgo: number): number => now - minutesAgo * minute;
    const web1 = Array.from({ length: 61 }, (_, i): [number, number] => [at(60 - i), 60 - i <= 10 ? 0.95 : 0.3]);
    const web2 = Array.from({ length: 61 }, (_, i): [number, number] => [at(60 - i), 60 - i >= 29 && 60 - i <= 30 ? 0.99 : 0.2]);
    const preview = await previewRule({ selector: 'node_cpu_usage_ratio', condition: { reducer: 'last', op: '>', threshold: 0.9 }, windowSeconds: 60, forSeconds: 300 }, metricsOf([{ host: 'web-2', samples: web2 }, { host: 'web-1', samples: web1 }]), now, 3600, { maxSteps: 60, maxSeries: 10, minStepSeconds: 15 });
    expect(preview.stepSeconds).toBe(60);
    expect(preview.times).toHaveLength(61);
    expect(preview.series.map((s) => s.labels.host)).toEqual(['web-1', 'web-2']);
    expect(preview.series[0]).toMatchObject({ value: 0.95, holds: true, firing: true, fired: 1 });
    // Two minutes over the threshold never satisfies a five-minute `for`.
    expect(preview.series[1]).toMatchObject({ value: 0.2, holds: false, firing: false, fired: 0 });
    const noFor = await previewRule({ selector: 'x', condition: { reducer: 'last', op: '>', threshold: 0.9 }, windowSeconds: 60, forSeconds: 0 }, metricsOf([{ host: 'web-2', samples: web2 }]), now, 3600, { maxSteps: 60, maxSeries: 10, minStepSeconds: 15 });
    expect(noFor.series[0]?.fired).toBe(1);
    expect(noFor.series[0]?.values.filter((v) => v !== null && v > 0.9)).toHaveLength(2);
    const one = await previewRule({ selector: 'x', condition: { reducer: 'last', op: '>', threshold: 0.9 }, windowSeconds: 60, forSeconds: 0 }, metricsOf([{ host: 'web-2', samples: web2 }, { host: 'web-1', samples: web1 }]), now, 3600, { maxSteps: 60, maxSeries: 1, minStepSeconds: 15 });
    expect(one).toMatchObject({ truncated: true, series: [{ labels: { host: 'web-1' } }] });
  });

  it('is served to admins against the metrics store, and refuses bad input with 400', async () => {
    let t = Date.now();
    const server = await startTestServer({ now: () => t, alerts: QUIET });
    try {
      const rulesBefore = (await server.injectAs('admin', { method: 'GET', url: '/api/v1/alert-rules' })).json() as unknown[];
      for (let i = 0; i < 10; i += 1) {
        await server.app.metrics.ingest([{ name: 'node_cpu_usage_ratio', labels: { host: 'web-1' }, samples: [[t, 0.97]] }]);
        t += 30_000;
      }
      const body = { rule: { name: 'HighCpu', selector: 'node_cpu_usage_ratio', condition: { reducer: 'avg', op: '>', threshold: 0.9 }, windowSeconds: 60, forSeconds: 120 }, lookbackSeconds: 600 };
      const response = await server.injectAs('admin', { method: 'POST', url: '/api/v1/alert-rules/preview', payload: body });
      expect(response.statusCode).toBe(200);
      const preview = response.json() as RulePreview;
      expect(preview.series).toMatchObject([{ name: 'node_cpu_usage_ratio', labels: { host: 'web-1' }, holds: true, firing: true, fired: 1 }]);
      // Nothing was stored: no rule beyond the shipped default host rules, no alert.
      expect((await server.injectAs('admin', { method: 'GET', url: '/api/v1/alert-rules' })).json()).toEqual(rulesBefore);
      expect((await server.injectAs('admin', { method: 'GET', url: '/api/v1/alerts?state=firing,acknowledged,resolved' })).json().total).toBe(0);

      expect((await server.injectAs('operator', { method: 'POST', url: '/api/v1/alert-rules/preview', payload: body })).statusCode).toBe(403);
      const bad = await server.injectAs('admin', { method: 'POST', url: '/api/v1/alert-rules/preview', payload: { rule: { ...body.rule, selector: 'cpu{host=' } } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('E_VALIDATION');
    } finally {
      await server.close();
    }
  });
});

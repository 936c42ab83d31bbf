import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../../../shared/api/client.ts';
import type { PromMatrix, PromResponse } from '../../../shared/api/datasources.ts';
import type { IncidentBundle } from '../../../shared/api/incidents.ts';
import { openMetricsGauge, prometheusMissing, startPrometheus, type RunningPrometheus } from '../../../server/src/testing/prometheus.ts';
import { startTestServer, type TestServer } from '../../../server/src/testing/test-server.ts';
import { AppError } from '../../../shared/errors.ts';
import { openLocalCache, type LocalCache } from '../cache/local-cache.ts';
import { exportCapsule } from '../capsule/capsule-export.ts';
import { importCapsule } from '../capsule/capsule-import.ts';
import { fetchTransport } from '../testing/fetch-transport.ts';
import { keepIncidentOffline, releaseIncident } from './keep-offline.ts';
import { OfflineReads } from './offline-reads.ts';

const MISSING = prometheusMissing();
const STEP = 60;
const COUNT = 8 * 60;
const QUERY = 'sco_offline_latency_seconds';

/**
 * An incident's metrics panel shows data-source (PromQL) queries; "keep offline" keeps
 * their answers over the pinned window too, so offline review includes them. Real
 * Prometheus with back-filled history, the real server and its proxy, the real cache.
 */
describe.skipIf(MISSING !== null)('keep offline: data-source queries of the metrics panel', { timeout: 180_000 }, () => {
  let prometheus: RunningPrometheus;
  let server: TestServer;
  let transport: Transport;
  let cache: LocalCache;
  let dir: string;
  let incidentId: number;
  let datasourceId: number;
  let bundle: IncidentBundle;

  beforeAll(async () => {
    const end = Math.floor(Date.now() / 1000 / STEP) * STEP - STEP;
    prometheus = await startPrometheus({
      backfill: openMetricsGauge(QUERY, [{ route: '/checkout' }, { route: '/search' }], { fromSeconds: end - (COUNT - 1) * STEP, stepSeconds: STEP, count: COUNT }, (i, s) => 0.2 + 0.01 * s + 0.05 * Math.sin(i / 20)),
    });
    server = await startTestServer({ listen: true, alerts: { sweepIntervalMs: 0 } });
    const token = await server.tokenFor('admin');
    transport = fetchTransport(server.url, () => token);
    datasourceId = ((await transport({ method: 'POST', path: '/api/v1/datasources', body: { name: 'prom', type: 'prometheus', url: prometheus.url, scrapeIntervalSeconds: STEP } })) as { id: number }).id;
    const [outcome] = await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'SlowCheckout', target: 'web-1' }, startsAt: Date.now() - 2 * 3_600_000 }]);
    incidentId = outcome!.alert.incidentId!;
    await transport({ method: 'POST', path: `/api/v1/incidents/${incidentId}/source-queries`, body: { datasourceId, query: QUERY, title: 'latency' } });
    bundle = (await transport({ method: 'GET', path: `/api/v1/incidents/${incidentId}/export`, query: { format: 'json' } })) as IncidentBundle;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-offline-sources-'));
    cache = openLocalCache(path.join(dir, 'profile.db'));
  });
  afterAll(async () => {
    cache?.close();
    await server?.close();
    await prometheus?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const panelQuery = () => ({ query: QUERY, start: String(bundle.metricsWindow.from / 1000), end: String(bundle.metricsWindow.to / 1000), maxPoints: 500 });

  it('a source that cannot answer fails "keep offline" and leaves the cache as it was', async () => {
    const dead = (await transport({ method: 'POST', path: '/api/v1/datasources', body: { name: 'dead', type: 'prometheus', url: 'http://127.0.0.1:9', timeoutSeconds: 2 } })) as { id: number };
    const [outcome] = await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'DiskFull', target: 'db-7' } }]);
    const otherIncident = outcome!.alert.incidentId!;
    await transport({ method: 'POST', path: `/api/v1/incidents/${otherIncident}/source-queries`, body: { datasourceId: dead.id, query: 'up' } });
    await expect(keepIncidentOffline({ transport, cache }, otherIncident)).rejects.toMatchObject({ code: expect.stringMatching(/^E_/) });
    expect(cache.pins.get(otherIncident)).toBeUndefined();
    expect(cache.incidents.bundle(otherIncident)).toBeUndefined();
    expect(cache.sources.of(otherIncident)).toEqual([]);
  });

  it('keeps the answer of each source query over the pinned window, and answers the panel from it offline', async () => {
    const pin = await keepIncidentOffline({ transport, cache }, incidentId);
    const kept = cache.sources.of(incidentId);
    expect(kept.map((range) => [range.datasourceId, range.query, range.fromTs, range.toTs])).toEqual([[datasourceId, QUERY, pin.fromTs, pin.toTs]]);
    // Prometheus asked directly over the same window, aligned to the step as the proxy aligns it.
    const [start, end] = [Math.floor(pin.fromTs / 1000 / STEP) * STEP, Math.floor(pin.toTs / 1000 / STEP) * STEP];
    const direct = (await (await fetch(`${prometheus.url}/api/v1/query_range?${new URLSearchParams({ query: QUERY, start: String(start), end: String(end), step: String(STEP) })}`)).json()) as PromResponse<PromMatrix>;
    expect(kept[0]!.answer.data.result.map((series) => series.metric.route).sort()).toEqual(['/checkout', '/search']);
    expect(kept[0]!.answer.data.result).toEqual(direct.data.result);

    const reads = new OfflineReads({ transport, cache });
    const online = await reads.sourceRange(datasourceId, panelQuery());
    expect(online.source).toBe('server');

    // The server goes away: the panel's query is answered from what was kept, clipped to the panel's window.
    await server.close();
    const offline = await reads.sourceRange(datasourceId, panelQuery());
    expect(offline).toMatchObject({ source: 'cache', freshAsOf: kept[0]!.fetchedAt });
    const [from, to] = [bundle.metricsWindow.from / 1000, bundle.metricsWindow.to / 1000];
    for (const series of offline.data.data.result) {
      expect(series.values!.length).toBeGreaterThan(60);
      expect(series.values!.every(([seconds]) => seconds >= from && seconds <= to)).toBe(true);
    }
    expect(offline.data.data.result.map((series) => series.metric.route).sort()).toEqual(['/checkout', '/search']);
    // Values are Prometheus's own strings, as the online answer gives them.
    const online0 = online.data.data.result.find((series) => series.metric.route === '/checkout')!;
    const offline0 = offline.data.data.result.find((series) => series.metric.route === '/checkout')!;
    const onlineByTime = new Map(online0.values);
    const shared = offline0.values!.filter(([seconds]) => onlineByTime.has(seconds));
    expect(shared.length).toBeGreaterThan(0);
    for (const [seconds, value] of shared) expect(value).toBe(onlineByTime.get(seconds));

    // A query nobody kept is "not available offline", not an empty chart.
    const other = await reads.sourceRange(datasourceId, { ...panelQuery(), query: 'up' }).catch((error: unknown) => error);
    expect(other).toMatchObject({ code: 'E_NETWORK', details: { offline: true } });

    // Exported as a capsule and opened elsewhere (its own cache, no server at all): the
    // panel's source query is answered from the capsule exactly as from the profile's cache.
    const capsuleFile = path.join(dir, `incident-${incidentId}.scocapsule`);
    exportCapsule(cache, incidentId, capsuleFile);
    const elsewhere = openLocalCache(path.join(dir, 'capsules.db'));
    try {
      expect(importCapsule(elsewhere, capsuleFile)).toMatchObject({ incidentId, sourceRanges: 1 });
      const noServer: Transport = () => Promise.reject(new AppError('E_NETWORK', 'no server'));
      const fromCapsule = await new OfflineReads({ transport: noServer, cache: elsewhere }).sourceRange(datasourceId, panelQuery());
      expect(fromCapsule).toEqual(offline);
    } finally {
      elsewhere.close();
    }

    releaseIncident(cache, incidentId);
    expect(cache.sources.of(incidentId)).toEqual([]);
  });
});

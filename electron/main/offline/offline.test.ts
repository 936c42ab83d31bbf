import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../../../shared/api/client.ts';
import type { AppError } from '../../../shared/errors.ts';
import { openLocalCache, type LocalCache } from '../cache/local-cache.ts';
import { SyncEngine } from '../sync/sync-engine.ts';
import { eventSourceStream } from '../testing/event-source-stream.ts';
import { fetchTransport } from '../testing/fetch-transport.ts';
import { raiseIncident, recentSamples } from '../testing/incident-fixtures.ts';
import { freePort, ServerProcess } from '../testing/server-process.ts';
import { keepIncidentOffline } from './keep-offline.ts';
import { OfflineReads } from './offline-reads.ts';

const HOUR = 3_600_000;

describe('keep offline and offline reads', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let transport: Transport;
  let dir: string;
  let cache: LocalCache;
  let incidentId: number;
  const now = Date.now();

  beforeAll(async () => {
    server = new ServerProcess(fs.mkdtempSync(path.join(os.tmpdir(), 'sco-offline-server-')), await freePort());
    await server.start();
    const token = await server.login();
    transport = fetchTransport(server.url, () => token);
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: recentSamples(now, 6, ['web-1', 'web-2'], ['cpu_usage', 'mem_used']) });
    ({ incidentId } = await raiseIncident(server.url, transport, { metric: 'cpu_usage', host: 'web-1' }, now - 2 * HOUR));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-offline-'));
    cache = openLocalCache(path.join(dir, 'profile.db'));
  });
  afterAll(async () => {
    cache.close();
    await server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('pins the incident: bundle, alerts, timeline and its metrics window, which the budget never evicts', async () => {
    await new SyncEngine({ cache, transport, stream: eventSourceStream({ baseUrl: server.url, getToken: () => server.login() }) }).syncNow();
    const pin = await keepIncidentOffline({ transport, cache }, incidentId, { beforeMs: HOUR, afterMs: HOUR });

    const web1 = cache.metrics.findSeries('cpu_usage', { host: 'web-1' })!;
    const web2 = cache.metrics.findSeries('cpu_usage', { host: 'web-2' })!;
    expect(pin.seriesIds).toEqual([web1.id]);
    expect(pin.fromTs).toBeLessThanOrEqual(now - 3 * HOUR);
    expect(cache.incidents.bundle(incidentId)?.value.incident.id).toBe(incidentId);
    expect(cache.incidents.alertsOf(incidentId)).toHaveLength(1);
    expect(cache.incidents.timelineOf(incidentId).length).toBeGreaterThan(0);

    const pinned = cache.metrics.range(web1.id, pin.fromTs, pin.toTs);
    expect(pinned.ts.length).toBeGreaterThan(1_000);
    // An age budget of one minute: everything unpinned goes, the pinned window stays whole.
    const report = cache.budget.enforce({ maxBytes: Number.MAX_SAFE_INTEGER, maxAgeMs: 60_000 }, now + 60_000);
    expect(report.samplesEvicted).toBeGreaterThan(0);
    expect(cache.metrics.range(web1.id, pin.fromTs, pin.toTs)).toEqual(pinned);
    expect(cache.metrics.range(web2.id, 0, now).ts).toEqual([]);
    expect(cache.incidents.incident(incidentId)).toBeDefined();
  });

  it('answers what the server answered when the cache cannot be written (disk full, another process holding it), caching nothing stale', async () => {
    const reads = new OfflineReads({ transport, cache });
    const before = cache.incidents.incident(incidentId)!.fetchedAt;
    cache.db.pragma('busy_timeout = 20');
    const other = new Database(cache.db.name);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(reads.incident(incidentId)).resolves.toMatchObject({ source: 'server', data: { incident: { id: incidentId } } });
      await expect(reads.incidents()).resolves.toMatchObject({ source: 'server' });
      await expect(reads.timeline(incidentId)).resolves.toMatchObject({ source: 'server' });
      await expect(reads.alerts({ incidentId })).resolves.toMatchObject({ source: 'server' });
    } finally {
      other.exec('ROLLBACK');
      other.close();
      cache.db.pragma('busy_timeout = 5000');
    }
    // Nothing was written: the cached copy still says when it was really fetched.
    expect(cache.incidents.incident(incidentId)!.fetchedAt).toBe(before);
    // Once the cache can be written again, reads write through again.
    await reads.incident(incidentId);
    expect(cache.incidents.incident(incidentId)!.fetchedAt).toBeGreaterThanOrEqual(before);
  });

  it('answers from the server while it is up, and from the cache with its freshness once it is gone', async () => {
    const reads = new OfflineReads({ transport, cache });
    const online = await reads.incident(incidentId);
    expect(online.source).toBe('server');

    const fetchedAt = cache.incidents.incident(incidentId)!.fetchedAt;
    const syncedAt = cache.cursors.get('metrics').caughtUpAt;
    await server.kill();

    const incident = await reads.incident(incidentId);
    expect(incident).toMatchObject({ source: 'cache', freshAsOf: fetchedAt, data: { incident: { id: incidentId }, alerts: [expect.objectContaining({ incidentId })] } });
    expect((await reads.timeline(incidentId)).data).toEqual(cache.incidents.timelineOf(incidentId));
    expect((await reads.incidentBundle(incidentId)).source).toBe('cache');
    expect((await reads.incidents()).data.items.map((i) => i.id)).toContain(incidentId);

    const range = await reads.queryRange({ match: 'cpu_usage{host="web-1"}', from: now - 4 * HOUR, to: now, maxPoints: 100 });
    expect(range).toMatchObject({ source: 'cache', freshAsOf: syncedAt });
    expect(range.data.series).toHaveLength(1);
    expect(range.data.series[0]!.timestamps).toHaveLength(100);

    const series = await reads.series('cpu_usage');
    expect(series).toMatchObject({ source: 'cache', freshAsOf: syncedAt });
    expect(series.data.series.map((s) => s.labels.host).sort()).toEqual(['web-1', 'web-2']);
    const firing = await reads.alerts({ state: 'firing,acknowledged', incidentId });
    expect(firing.source).toBe('cache');
    expect(firing.data.items.map((a) => a.incidentId)).toEqual([incidentId]);
    expect((await reads.alerts({ state: 'resolved' })).data.items).toEqual([]);

    const missing = (await reads.incident(incidentId + 1000).catch((e: unknown) => e)) as AppError;
    expect(missing.code).toBe('E_NETWORK');
    expect(missing.details).toEqual({ offline: true });
  });
});

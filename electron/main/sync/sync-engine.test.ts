import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Transport } from '../../../shared/api/client.ts';
import { AppError } from '../../../shared/errors.ts';
import Database from 'better-sqlite3';
import { openLocalCache, type LocalCache } from '../cache/local-cache.ts';
import { fetchTransport } from '../testing/fetch-transport.ts';
import { freePort, ServerProcess } from '../testing/server-process.ts';
import { raiseIncident } from '../testing/incident-fixtures.ts';
import { cacheSamples, ingestBody, serverSamples } from '../testing/sync-fixtures.ts';
import type { SyncProgress } from './backfill-progress.ts';
import { eventSourceStream } from '../testing/event-source-stream.ts';
import { SyncEngine } from './sync-engine.ts';
import type { StreamSource } from './stream-source.ts';

describe('sync engine against a real server', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let transport: Transport;
  let dir: string;
  let cache: LocalCache;
  let engine: SyncEngine | undefined;

  beforeAll(async () => {
    server = new ServerProcess(fs.mkdtempSync(path.join(os.tmpdir(), 'sco-sync-server-')), await freePort());
    await server.start();
    const token = await server.login();
    transport = fetchTransport(server.url, () => token);
  });
  afterAll(async () => {
    await server.kill();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-sync-'));
    cache = openLocalCache(path.join(dir, 'profile.db'));
  });
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
    cache.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('backfills everything with progress, then pulls only what is new, also after an app restart', async () => {
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: ingestBody(20, 600) });
    engine = new SyncEngine({ cache, transport, stream: eventSourceStream({ baseUrl: server.url, getToken: () => server.login() }), pageSize: 1_000 });
    const progress: SyncProgress[] = [];
    engine.onProgress((p) => progress.push(p));

    const first = await engine.syncNow();
    expect(first.samples).toBeGreaterThanOrEqual(12_000);
    expect(cacheSamples(cache)).toEqual(await serverSamples(transport));
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.at(-1)).toMatchObject({ done: true, etaMs: 0, seriesTotal: expect.any(Number) });
    expect(progress.some((p) => !p.done && p.etaMs !== null && p.etaMs > 0)).toBe(true);
    expect(progress.map((p) => p.samples)).toEqual([...progress.map((p) => p.samples)].sort((a, b) => a - b));
    expect(engine.status.freshAsOf).not.toBeNull();

    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: ingestBody(20, 6, 600) });
    expect((await engine.syncNow()).samples).toBe(120);

    // The app restarts: a new engine on the reopened file resumes from the stored cursor.
    cache.close();
    cache = openLocalCache(path.join(dir, 'profile.db'));
    engine = new SyncEngine({ cache, transport, stream: eventSourceStream({ baseUrl: server.url, getToken: () => server.login() }) });
    expect((await engine.syncNow()).samples).toBe(0);
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: ingestBody(20, 1, 606) });
    expect((await engine.syncNow()).samples).toBe(20);
    expect(cacheSamples(cache)).toEqual(await serverSamples(transport));
  });

  it('pulls the columnar export from a server without the chunk export (an older server)', async () => {
    const paths: string[] = [];
    const olderServer: Transport = async (request) => {
      paths.push(request.path);
      if (request.path.endsWith('/metrics/export/chunks')) throw new AppError('E_NOT_FOUND', `No route GET ${request.path}`);
      return transport(request);
    };
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: ingestBody(3, 500, 50_000) });
    engine = new SyncEngine({ cache, transport: olderServer, stream: { connect: () => ({ close: () => {} }) }, pageSize: 700 });
    const result = await engine.syncNow();
    expect(result.pages).toBeGreaterThan(2);
    expect(cacheSamples(cache)).toEqual(await serverSamples(transport));
    // Asked once, then the rest of the pull went to /metrics/export.
    expect(paths.filter((p) => p.endsWith('/export/chunks'))).toHaveLength(1);
    expect(paths.filter((p) => p.endsWith('/metrics/export')).length).toBe(result.pages);
  });

  it('keeps pulling on a timer while no stream is available', async () => {
    const noStream: StreamSource = { connect: () => ({ close: () => {} }) };
    engine = new SyncEngine({ cache, transport, stream: noStream, pollIntervalMs: 100 });
    engine.start();
    await vi.waitFor(() => expect(engine!.status.freshAsOf).not.toBeNull(), { timeout: 10_000 });
    const before = cache.metrics.sampleCount();
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: ingestBody(2, 3, 20_000) });
    await vi.waitFor(() => expect(cache.metrics.sampleCount()).toBe(before + 6), { timeout: 10_000 });
    expect(engine.status.state).toBe('syncing');
  });

  it('keeps the budget after its pulls, sparing pinned windows', async () => {
    engine = new SyncEngine({ cache, transport, stream: eventSourceStream({ baseUrl: server.url, getToken: () => server.login() }) });
    await engine.syncNow();
    const web0 = cache.metrics.findSeries('cpu_usage', { host: 'web-0' })!;
    const window = cache.metrics.range(web0.id, 0, Number.MAX_SAFE_INTEGER).ts.slice(100, 200);
    cache.pins.put({ incidentId: 1, fromTs: window[0]!, toTs: window.at(-1)!, seriesIds: [web0.id], pinnedAt: Date.now(), origin: 'server' });

    // Every fixture sample is months old: a one-day age budget leaves only the pinned window.
    engine = new SyncEngine({ cache, transport, stream: eventSourceStream({ baseUrl: server.url, getToken: () => server.login() }), budget: { maxBytes: 1 << 30, maxAgeMs: 86_400_000 } });
    await engine.syncNow();
    expect(engine.lastEviction?.samplesEvicted).toBeGreaterThan(0);
    expect(cache.metrics.sampleCount()).toBe(100);
    expect(cache.metrics.range(web0.id, 0, Number.MAX_SAFE_INTEGER).ts).toEqual(window);
  });

  it('keeps the budget after a pull once the clock stepped back, not only once it caught up', async () => {
    let clock = Date.now();
    engine = new SyncEngine({ cache, transport, stream: eventSourceStream({ baseUrl: server.url, getToken: () => server.login() }), budget: { maxBytes: 1 << 30, maxAgeMs: 86_400_000 }, now: () => clock });
    await engine.syncNow();
    const first = engine.lastEviction;
    expect(first).toBeDefined();
    // The clock steps back an hour: the budget (every minute) waited for it to catch up.
    clock -= 3_600_000;
    await engine.syncNow();
    expect(engine.lastEviction).not.toBe(first);
  });

  it('follows the live stream: new samples reach the cache without being asked', async () => {
    engine = new SyncEngine({ cache, transport, stream: eventSourceStream({ baseUrl: server.url, getToken: () => server.login() }), pullDelayMs: 50 });
    engine.start();
    await vi.waitFor(() => expect(engine!.status.state).toBe('live'), { timeout: 10_000 });
    const before = cache.metrics.sampleCount();
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: ingestBody(3, 2, 10_000) });
    await vi.waitFor(() => expect(cache.metrics.sampleCount()).toBe(before + 6), { timeout: 10_000 });
    expect(cache.cursors.get('stream').cursor).toMatch(/^\d+$/);

    // Alerts and incidents arrive as stream events and are stored as they come.
    const { incidentId, alert } = await raiseIncident(server.url, transport, { metric: 'cpu_usage', host: 'web-1' }, Date.now());
    await vi.waitFor(() => expect(cache.incidents.incident(incidentId)?.value.id).toBe(incidentId), { timeout: 10_000 });
    await vi.waitFor(() => expect(cache.incidents.alertsOf(incidentId).map((a) => a.value.id)).toContain(alert.id), { timeout: 10_000 });
    await vi.waitFor(() => expect(cache.incidents.timelineOf(incidentId).length).toBeGreaterThan(0), { timeout: 10_000 });
  });

  it('an event the cache cannot store now (another process holds its lock) is not skipped: the stream is taken again from the last stored event', async () => {
    cache.db.pragma('busy_timeout = 20');
    engine = new SyncEngine({ cache, transport, stream: eventSourceStream({ baseUrl: server.url, getToken: () => server.login() }), pullDelayMs: 50, retryDelayMs: { min: 100, max: 400 } });
    engine.start();
    await vi.waitFor(() => expect(engine!.status.state).toBe('live'), { timeout: 10_000 });

    // Another process takes the cache's write lock and keeps it while an incident is raised.
    const other = new Database(path.join(dir, 'profile.db'));
    other.exec('BEGIN IMMEDIATE');
    const { incidentId } = await raiseIncident(server.url, transport, { metric: 'disk_usage', host: 'db-3' }, Date.now());
    await vi.waitFor(() => expect(engine!.status.lastError?.code).toBe('E_STORAGE_FULL'), { timeout: 10_000 });
    expect(engine.status.state).toBe('offline');
    expect(engine.status.lastError?.message).toMatch(/another process holds it/);
    other.exec('COMMIT');
    other.close();

    // The events that could not be stored are replayed: the timeline comes only from the stream.
    await vi.waitFor(() => expect(cache.incidents.timelineOf(incidentId).length).toBeGreaterThan(0), { timeout: 15_000 });
    expect(cache.incidents.incident(incidentId)?.value.id).toBe(incidentId);
    await vi.waitFor(() => expect(engine!.status.state).toBe('live'), { timeout: 10_000 });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Transport } from '../../../shared/api/client.ts';
import { openLocalCache, type LocalCache } from '../cache/local-cache.ts';
import { fetchTransport } from '../testing/fetch-transport.ts';
import { freePort, ServerProcess } from '../testing/server-process.ts';
import { eventSourceStream } from '../testing/event-source-stream.ts';
import { SyncEngine, type SyncStatus } from './sync-engine.ts';
import { cacheSamples, ingestBody, serverSamples } from '../testing/sync-fixtures.ts';

// Ceilings, not expectations: two server starts and a full backfill next to a CPU-heavy job
// took close to the old 20–30 s waits. Each wait polls its condition and returns as soon as it holds.
const WAIT_CEILING_MS = 180_000;
const TEST_CEILING_MS = 600_000;

describe('sync engine across a server crash', () => {
  let server: ServerProcess | undefined;
  let cache: LocalCache | undefined;
  let engine: SyncEngine | undefined;
  const dirs: string[] = [];

  afterEach(async () => {
    await engine?.stop();
    cache?.close();
    await server?.kill();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('resumes a backfill after the server is killed mid-way and restarted: no gap, no duplicate', async () => {
    const serverDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-restart-server-'));
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-restart-cache-'));
    dirs.push(serverDir, cacheDir);
    server = new ServerProcess(serverDir, await freePort());
    await server.start();
    // A token per request: the JWT signing key lives in the data folder, so tokens survive the restart.
    let token = await server.login();
    const transport: Transport = fetchTransport(server.url, () => token);
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: ingestBody(50, 1_000) });

    cache = openLocalCache(path.join(cacheDir, 'profile.db'));
    engine = new SyncEngine({
      cache,
      transport,
      stream: eventSourceStream({ baseUrl: server.url, getToken: async () => token, reopenDelayMs: 200 }),
      pageSize: 1_000,
      retryDelayMs: { min: 100, max: 500 },
    });
    const states: SyncStatus['state'][] = [];
    engine.onStatus((status) => states.push(status.state));
    let killed: Promise<void> | undefined;
    engine.onProgress((progress) => {
      if (!killed && progress.samples >= 10_000) killed = server!.kill();
    });

    engine.start();
    await vi.waitFor(() => expect(killed).toBeDefined(), { timeout: WAIT_CEILING_MS });
    await killed;
    await vi.waitFor(() => expect(states).toContain('offline'), { timeout: WAIT_CEILING_MS });
    const partial = cache.metrics.sampleCount();
    expect(partial).toBeGreaterThanOrEqual(10_000);
    expect(partial).toBeLessThan(50_000);

    await server.start();
    token = await server.login();
    // Data written while the client was away, and live data once it is back.
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: ingestBody(50, 10, 1_000) });
    await vi.waitFor(() => expect(engine!.status.state).toBe('live'), { timeout: WAIT_CEILING_MS });
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: ingestBody(50, 2, 1_010) });

    const expected = await serverSamples(transport);
    expect(expected.size).toBe(50 * 1_012);
    await vi.waitFor(() => expect(cache!.metrics.sampleCount()).toBe(expected.size), { timeout: WAIT_CEILING_MS });
    expect(cacheSamples(cache)).toEqual(expected);
  }, TEST_CEILING_MS);

  /**
   * A cache synced from a server holding 5 series x 100 samples; then that server is gone and
   * another (its own data folder) answers at the same address, signed in.
   */
  async function syncedThenAnotherServer(prefix: string): Promise<{ transport: Transport; before: Map<string, number>; local: LocalCache; sync: SyncEngine; replaced: ReturnType<typeof vi.fn> }> {
    const firstDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-server-`));
    const secondDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-server-`));
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-cache-`));
    dirs.push(firstDir, secondDir, cacheDir);
    const port = await freePort();
    server = new ServerProcess(firstDir, port);
    await server.start();
    let token = await server.login();
    const transport: Transport = fetchTransport(server.url, () => token);
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: ingestBody(5, 100) });
    const local = (cache = openLocalCache(path.join(cacheDir, 'profile.db')));
    const replaced = vi.fn();
    const sync = (engine = new SyncEngine({ cache: local, transport, stream: { connect: () => ({ close: () => {} }) }, onServerReplaced: replaced }));
    await sync.syncNow();
    const before = cacheSamples(local);
    await server.kill();
    server = new ServerProcess(secondDir, port);
    await server.start();
    token = await server.login();
    expect(replaced).not.toHaveBeenCalled();
    return { transport, before, local, sync, replaced };
  }

  it('starts over when the server comes back with a different data folder, keeping what it had', async () => {
    // Same address, another data folder: its ids and cursors start again from the beginning.
    const { transport, before, local, sync, replaced } = await syncedThenAnotherServer('sco-wiped');
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: { series: [{ name: 'disk_used', labels: { host: 'db-1' }, samples: [[1, 1]] }, ...ingestBody(5, 10, 100).series] } });

    const result = await sync.syncNow();
    expect(result.samples).toBe(51);
    // Told once, before starting over, so the old server's documents are retired (offline/server-replaced.ts).
    expect(replaced).toHaveBeenCalledTimes(1);
    const after = cacheSamples(local);
    for (const [key, value] of before) expect(after.get(key)).toBe(value);
    for (const [key, value] of await serverSamples(transport)) expect(after.get(key)).toBe(value);
    expect(local.metrics.findSeries('disk_used', { host: 'db-1' })?.serverId).toBe(1);
  }, TEST_CEILING_MS);

  it('starts over when another server at the same address has more data, so it takes the stored cursor', async () => {
    // Another server, further along than the first: the stored cursor (500) is one it could
    // have handed out, so it is not refused; its series 1 is disk_used, ours was cpu_usage web-0.
    const { transport, before, local, sync, replaced } = await syncedThenAnotherServer('sco-other');
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: { series: [{ name: 'disk_used', labels: { host: 'db-1' }, samples: [[1, 1]] }, ...ingestBody(5, 200, 1_000).series] } });

    await sync.syncNow();
    const after = cacheSamples(local);
    for (const [key, value] of before) expect(after.get(key)).toBe(value);
    const expected = await serverSamples(transport);
    expect(expected.size).toBe(1_001);
    // Everything, including what it holds before the cursor it was given.
    for (const [key, value] of expected) expect(after.get(key)).toBe(value);
    expect(after.size).toBe(before.size + expected.size);
    expect(replaced).toHaveBeenCalledTimes(1);
    expect(local.metrics.findSeries('disk_used', { host: 'db-1' })?.serverId).toBe(1);
    expect(local.metrics.findSeries('cpu_usage', { host: 'web-0' })?.serverId).toBe(2);
    // And it goes on from there.
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: ingestBody(5, 1, 1_200) });
    expect((await sync.syncNow()).samples).toBe(5);
  }, TEST_CEILING_MS);
});

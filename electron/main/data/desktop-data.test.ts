import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Transport } from '../../../shared/api/client.ts';
import { ScoringClient } from '../scoring/scoring-client.ts';
import { workerThreadTransport } from '../scoring/worker-thread-transport.ts';
import { eventSourceStream } from '../testing/event-source-stream.ts';
import { fetchTransport } from '../testing/fetch-transport.ts';
import { raiseIncident, recentSamples } from '../testing/incident-fixtures.ts';
import { freePort, ServerProcess } from '../testing/server-process.ts';
import { createCacheHandlers, relayCacheEvents } from './cache-handlers.ts';
import { DesktopData } from './desktop-data.ts';

const HOUR = 3_600_000;
const context = { senderId: 1 };

describe('desktop data through its IPC handlers', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let transport: Transport;
  let dir: string;
  let scoring: ScoringClient;
  let data: DesktopData;
  const now = Date.now();

  beforeAll(async () => {
    server = new ServerProcess(fs.mkdtempSync(path.join(os.tmpdir(), 'sco-data-server-')), await freePort());
    await server.start();
    const token = await server.login();
    transport = fetchTransport(server.url, () => token);
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: recentSamples(now, 4, ['web-1', 'web-2'], ['cpu_usage']) });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-data-'));
    scoring = new ScoringClient({ createTransport: workerThreadTransport() });
    data = new DesktopData({
      cacheFile: path.join(dir, 'cache', 'profile-1.db'),
      capsuleCacheFile: path.join(dir, 'cache', 'capsules.db'),
      transport,
      stream: eventSourceStream({ baseUrl: server.url, getToken: async () => token }),
      scoring,
    });
  });
  afterAll(async () => {
    await data.close();
    await scoring.close();
    await server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('syncs, keeps an incident offline, scores it, exports a capsule and opens it with no server', async () => {
    const events: string[] = [];
    relayCacheEvents(data, (name) => events.push(name));
    data.start();
    await vi.waitFor(() => expect(data.engine.status.state).toBe('live'), { timeout: 15_000 });

    const { incidentId } = await raiseIncident(server.url, transport, { metric: 'cpu_usage', host: 'web-1' }, now - HOUR);
    const capsuleFile = path.join(dir, 'review.scocapsule');
    const handlers = createCacheHandlers({ data: () => data, chooseCapsuleSavePath: async () => capsuleFile, chooseCapsuleToOpen: async () => capsuleFile });

    await vi.waitFor(async () => expect((await handlers['cache.status'](undefined, context)).samples).toBe(2 * 1_440), { timeout: 15_000 });
    expect(events).toContain('cache.statusChanged');

    const pin = await handlers['cache.keepOffline']({ incidentId }, context);
    const status = await handlers['cache.status'](undefined, context);
    expect(status.pins.map((p) => p.incidentId)).toEqual([incidentId]);

    // Keeping it offline also scores its series in the background.
    await data.scoringSettled();
    expect(data.cache.metrics.range(pin.seriesIds[0]!, pin.fromTs, pin.toTs).scores.every((s) => s !== null)).toBe(true);

    const scored = await handlers['cache.scoreSeries']({ seriesId: pin.seriesIds[0]!, fromTs: pin.fromTs, toTs: pin.toTs }, context);
    expect(scored.anomalies).toEqual(expect.any(Array));
    expect(data.cache.metrics.range(pin.seriesIds[0]!, pin.fromTs, pin.toTs).scores.every((s) => s !== null)).toBe(true);

    expect(await handlers['cache.exportCapsule']({ incidentId }, context)).toEqual({ path: capsuleFile });
    await server.kill();

    const imported = await handlers['cache.importCapsule'](undefined, context);
    expect(imported).toMatchObject({ incidentId, series: 1 });
    const fromCapsule = await handlers['cache.incident']({ id: incidentId, origin: 'capsules' }, context);
    expect(fromCapsule).toMatchObject({ source: 'cache', freshAsOf: imported!.createdAt, data: { incident: { id: incidentId } } });
    const range = await handlers['cache.queryRange']({ query: { match: 'cpu_usage{host="web-1"}', from: pin.fromTs, to: pin.toTs }, origin: 'capsules' }, context);
    expect(range.data.series[0]!.timestamps.length).toBeGreaterThan(0);

    // Offline review and replay: the pinned series with the scores computed here, from the
    // profile's cache and from the capsule, with no server.
    const pinned = await handlers['cache.pinnedSeries']({ incidentId }, context);
    expect(pinned).toMatchObject({ incidentId, fromTs: pin.fromTs, toTs: pin.toTs });
    expect(pinned.series.map((s) => [s.name, s.labels.host])).toEqual([['cpu_usage', 'web-1']]);
    expect(pinned.series[0]!.ts.length).toBeGreaterThan(0);
    expect(pinned.series[0]!.scores).toHaveLength(pinned.series[0]!.ts.length);
    expect(pinned.series[0]!.scores.every((score) => typeof score === 'number')).toBe(true);
    const pinnedFromCapsule = await handlers['cache.pinnedSeries']({ incidentId, origin: 'capsules' }, context);
    expect(pinnedFromCapsule.series[0]!.scores).toEqual(pinned.series[0]!.scores);
    await expect(Promise.resolve().then(() => handlers['cache.pinnedSeries']({ incidentId: incidentId + 1000 }, context))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });

    // The profile itself, with the server gone, also answers from its cache.
    expect((await handlers['cache.incident']({ id: incidentId }, context)).source).toBe('cache');
    await vi.waitFor(() => expect(data.engine.status.state).toBe('offline'), { timeout: 15_000 });
  });
});

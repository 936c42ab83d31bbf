import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { openLocalCache } from '../cache/local-cache.ts';
import type { ScoringClient } from '../scoring/scoring-client.ts';
import { METRICS_COLLECTION } from '../sync/metrics-pull.ts';
import { STREAM_COLLECTION } from '../sync/sync-engine.ts';
import { bundleFixture } from '../testing/bundle-fixture.ts';
import { DesktopData, type DesktopDataOptions } from './desktop-data.ts';

const T0 = Date.UTC(2026, 5, 1, 12);
const KEPT = 42;
const BROWSED = 43;

// A profile's address edited to another server (connections.update): its credentials went,
// but its cache, named by the profile, stayed, and answered offline with the old server's
// incidents under the new one's name until a sync happened to notice the other server.
describe("a profile pointed at another server's address", () => {
  let dir: string;
  let address: string;
  let replaced: number[][];
  const options = (): DesktopDataOptions => ({
    cacheFile: path.join(dir, 'profile.db'),
    capsuleCacheFile: path.join(dir, 'capsules.db'),
    transport: () => Promise.reject(new AppError('E_NETWORK')),
    stream: { connect: () => ({ close: () => {} }) },
    scoring: {} as ScoringClient,
    serverUrl: () => address,
    onServerReplaced: (moved) => replaced.push(moved),
  });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-server-address-'));
    address = 'https://a.example';
    replaced = [];
    const data = new DesktopData(options());
    const { cache } = data;
    const [cpu] = cache.metrics.upsertSeries([{ serverId: 11, name: 'cpu_usage', labels: { host: 'web-1' } }]);
    cache.metrics.insertSamples([cpu!], [T0], [1]);
    cache.incidents.putBundle(bundleFixture(KEPT, T0), T0);
    cache.pins.put({ incidentId: KEPT, fromTs: T0 - 3_600_000, toTs: T0, seriesIds: [cpu!], pinnedAt: T0, origin: 'server' });
    cache.incidents.putIncident(bundleFixture(BROWSED, T0 - 60_000).incident, T0);
    cache.cursors.setCursor(METRICS_COLLECTION, '900');
    cache.cursors.setCursor(STREAM_COLLECTION, '500');
    await data.close();
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the cache while the address is the same', async () => {
    const data = new DesktopData(options());
    expect(data.cache.incidents.incidents().map((row) => row.value.id).sort()).toEqual([KEPT, BROWSED]);
    expect(replaced).toEqual([]);
    await data.close();
  });

  it('retires what the old server mirrored when opened at another address: kept incidents become capsules, cursors start over', async () => {
    address = 'https://b.example';
    const data = new DesktopData(options());
    expect(data.cache.incidents.incidents()).toEqual([]);
    expect(data.cache.pins.list()).toEqual([]);
    expect(data.cache.cursors.get(METRICS_COLLECTION).cursor).toBeNull();
    expect(data.cache.cursors.get(STREAM_COLLECTION).cursor).toBeNull();
    expect(data.cache.metrics.sampleCount()).toBe(1);
    expect(replaced).toEqual([[KEPT]]);
    await data.close();
    const capsules = openLocalCache(path.join(dir, 'capsules.db'));
    expect(capsules.pins.list().map((pin) => pin.incidentId)).toEqual([KEPT]);
    capsules.close();
  });

  it('retires it when the address changes while the profile is open', async () => {
    const data = new DesktopData(options());
    address = 'https://b.example';
    data.followServer();
    expect(data.cache.incidents.incidents()).toEqual([]);
    expect(replaced).toEqual([[KEPT]]);
    data.followServer();
    expect(replaced).toHaveLength(1);
    await data.close();
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLocalCache, type LocalCache } from '../cache/local-cache.ts';
import { capsulePayloadOf } from '../capsule/capsule-export.ts';
import { importCapsulePayload } from '../capsule/capsule-import.ts';
import { bundleFixture } from '../testing/bundle-fixture.ts';
import { retireReplacedServer } from './server-replaced.ts';

const T0 = Date.UTC(2026, 5, 1, 12);
const KEPT = 42;
const BROWSED = 43;

/** A server whose incident ids now mean other incidents: what the profile's cache mirrored of the old one. */
describe('retiring a replaced server from a profile cache', () => {
  let dir: string;
  let profile: LocalCache;
  let capsules: LocalCache | undefined;
  const capsulesCache = () => (capsules ??= openLocalCache(path.join(dir, 'capsules.db')));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-replaced-'));
    profile = openLocalCache(path.join(dir, 'profile.db'));
    const [cpu] = profile.metrics.upsertSeries([{ serverId: 11, name: 'cpu_usage', labels: { host: 'web-1' } }]);
    const ts = Array.from({ length: 360 }, (_, i) => T0 - 3_600_000 + i * 10_000);
    profile.metrics.insertSamples(ts.map(() => cpu!), ts, ts.map((_, i) => i % 7));
    // One incident kept offline (bundle, pin, source answer), one only browsed (cached by the list).
    profile.incidents.putBundle(bundleFixture(KEPT, T0), T0);
    profile.pins.put({ incidentId: KEPT, fromTs: T0 - 3_600_000, toTs: T0, seriesIds: [cpu!], pinnedAt: T0, origin: 'server' });
    profile.sources.replaceFor(KEPT, [{ incidentId: KEPT, datasourceId: 3, query: 'up', fromTs: T0 - 3_600_000, toTs: T0, answer: { status: 'success', data: { resultType: 'matrix', result: [] } }, fetchedAt: T0 }]);
    profile.incidents.putIncident(bundleFixture(BROWSED, T0 - 60_000).incident, T0);
  });

  afterEach(() => {
    profile.close();
    capsules?.close();
    capsules = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('moves kept-offline incidents to the capsules cache, drops what else it mirrored, and keeps the samples', () => {
    const keptBundle = profile.incidents.bundle(KEPT)!.value;
    expect(retireReplacedServer(profile, capsulesCache, () => T0 + 1_000)).toEqual([KEPT]);

    // Nothing of the old server answers for its ids in the profile any more.
    expect(profile.incidents.incidents()).toEqual([]);
    expect(profile.incidents.bundle(KEPT)).toBeUndefined();
    expect(profile.incidents.alertsOf(KEPT)).toEqual([]);
    expect(profile.pins.list()).toEqual([]);
    expect(profile.sources.of(KEPT)).toEqual([]);
    // True history stays for the sync to map again.
    expect(profile.metrics.sampleCount()).toBe(360);

    // The kept incident reads as an imported capsule: bundle, window, series, source answer.
    const moved = capsulesCache();
    expect(moved.incidents.bundle(KEPT)?.value).toEqual(keptBundle);
    expect(moved.pins.get(KEPT)).toMatchObject({ fromTs: T0 - 3_600_000, toTs: T0, origin: 'capsule' });
    const [series] = moved.pins.get(KEPT)!.seriesIds;
    expect(moved.metrics.series(series!)).toMatchObject({ name: 'cpu_usage', labels: { host: 'web-1' } });
    expect(moved.metrics.range(series!, T0 - 3_600_000, T0).ts).toHaveLength(360);
    expect(moved.sources.of(KEPT)).toHaveLength(1);
    expect(moved.incidents.bundle(BROWSED)).toBeUndefined();
  });

  it('after a crash between the move and the drop, moves the same incident again into one copy', () => {
    // What the interrupted first attempt had done: the move, not the drop.
    importCapsulePayload(capsulesCache(), capsulePayloadOf(profile, KEPT, () => T0 + 1_000));
    expect(retireReplacedServer(profile, capsulesCache, () => T0 + 2_000)).toEqual([KEPT]);
    const moved = capsulesCache();
    expect(moved.pins.list().map((pin) => pin.incidentId)).toEqual([KEPT]);
    expect(moved.metrics.listSeries()).toHaveLength(1);
    expect(moved.metrics.sampleCount()).toBe(360);
    expect(profile.pins.list()).toEqual([]);
  });

  it('opens no capsules cache when nothing was kept offline', () => {
    profile.pins.clear();
    expect(retireReplacedServer(profile, capsulesCache)).toEqual([]);
    expect(capsules).toBeUndefined();
    expect(profile.incidents.incidents()).toEqual([]);
  });
});

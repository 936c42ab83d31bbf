import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { Transport } from '../../../shared/api/client.ts';
import type { PromMatrix, PromResponse } from '../../../shared/api/datasources.ts';
import { AppError } from '../../../shared/errors.ts';
import { openLocalCache, type LocalCache } from '../cache/local-cache.ts';
import { OfflineReads } from '../offline/offline-reads.ts';
import { bundleFixture } from '../testing/bundle-fixture.ts';
import { CAPSULE_MAGIC, CAPSULE_VERSION, decodeCapsule, encodeCapsule, MAX_CAPSULE_JSON_BYTES } from './capsule-format.ts';
import { exportCapsule } from './capsule-export.ts';
import { importCapsule } from './capsule-import.ts';

const T0 = Date.UTC(2026, 5, 1, 12);
const STEP = 10_000;
const INCIDENT = 42;
const DATASOURCE = 3;
const LATENCY = 'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket[5m])))';

/** A range answer as Prometheus sends it: per route, one sample a minute, special values as strings. */
function latencyAnswer(fromTs: number, toTs: number): PromResponse<PromMatrix> {
  const seconds = Array.from({ length: Math.floor((toTs - fromTs) / 60_000) + 1 }, (_, i) => fromTs / 1000 + i * 60);
  const value = (i: number, route: number) => (i === 7 ? 'NaN' : i === 8 && route === 1 ? '+Inf' : String(0.2 + route / 10 + (i % 5) / 100));
  return {
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [0, 1].map((route) => ({ metric: { route: `/r${route}` }, values: seconds.map((t, i): [number, string] => [t, value(i, route)]) })),
    },
  };
}

/** The capsules cache is read as if no server existed, as DesktopData reads it. */
const noServer: Transport = () => Promise.reject(new AppError('E_NETWORK', 'no server'));

/** Everything in the cache, table by table, to prove a refused import changed nothing. */
function snapshot(cache: LocalCache): Record<string, unknown[]> {
  const tables = cache.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(tables.map((table) => [table, cache.db.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`).raw().all()]));
}

function capsuleError(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the capsule to be refused');
}

describe('incident capsule', () => {
  let dir: string;
  let source: LocalCache;
  let target: LocalCache;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-capsule-'));
    source = openLocalCache(path.join(dir, 'source.db'));
    target = openLocalCache(path.join(dir, 'capsules.db'));
    file = path.join(dir, `incident-${INCIDENT}.scocapsule`);

    // The source: a kept-offline incident with 2 h of two series, partly scored.
    const bundle = bundleFixture(INCIDENT, T0);
    source.incidents.putBundle(bundle, T0 + 60_000);
    const ids = source.metrics.upsertSeries([
      { serverId: 11, name: 'cpu_usage', labels: { host: 'web-1' } },
      { serverId: 12, name: 'mem_used', labels: { host: 'web-1' } },
    ]);
    source.db.transaction(() => {
      for (const id of ids) {
        const ts = Array.from({ length: 720 }, (_, i) => T0 - 3_600_000 + i * STEP);
        source.metrics.insertSamples(ts.map(() => id), ts, ts.map((_, i) => id + Math.sin(i / 10)));
        source.metrics.setScores(id, ts.slice(0, 100), ts.slice(0, 100).map((_, i) => i / 100));
      }
    })();
    source.pins.put({ incidentId: INCIDENT, fromTs: T0 - 3_600_000, toTs: T0 + 3_600_000, seriesIds: ids, pinnedAt: T0, origin: 'server' });
    // The metrics panel's data-source queries, as "keep offline" kept them.
    const window = { fromTs: T0 - 3_600_000, toTs: T0 + 3_600_000 };
    source.sources.replaceFor(INCIDENT, [
      { incidentId: INCIDENT, datasourceId: DATASOURCE, query: LATENCY, ...window, answer: latencyAnswer(window.fromTs, window.toTs), fetchedAt: T0 + 30_000 },
      { incidentId: INCIDENT, datasourceId: DATASOURCE + 1, query: 'up', ...window, answer: { status: 'success', data: { resultType: 'matrix', result: [] } }, fetchedAt: T0 + 30_000 },
    ]);

    // The target already holds something of its own, which no import may disturb.
    target.incidents.putBundle(bundleFixture(7, T0 - 86_400_000), T0);
  });
  afterEach(() => {
    source.close();
    target.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips an incident with its pinned metrics and scores into another cache, with no server', () => {
    exportCapsule(source, INCIDENT, file, () => T0 + 120_000);
    const imported = importCapsule(target, file);

    expect(imported).toEqual({ incidentId: INCIDENT, title: 'HighCpu on web-1', createdAt: T0 + 120_000, series: 2, samples: 1_440, sourceRanges: 2 });
    expect(target.incidents.bundle(INCIDENT)).toEqual({ value: source.incidents.bundle(INCIDENT)!.value, fetchedAt: T0 + 120_000 });
    expect(target.incidents.timelineOf(INCIDENT)).toEqual(source.incidents.timelineOf(INCIDENT));
    expect(target.incidents.alertsOf(INCIDENT).map((a) => a.value)).toEqual(source.incidents.alertsOf(INCIDENT).map((a) => a.value));
    for (const name of ['cpu_usage', 'mem_used']) {
      const from = source.metrics.findSeries(name, { host: 'web-1' })!;
      const to = target.metrics.findSeries(name, { host: 'web-1' })!;
      expect(target.metrics.range(to.id, 0, Infinity)).toEqual(source.metrics.range(from.id, 0, Infinity));
    }
    expect(target.pins.get(INCIDENT)).toMatchObject({ origin: 'capsule', fromTs: T0 - 3_600_000, toTs: T0 + 3_600_000 });
    expect(target.incidents.bundle(7)).toBeDefined();
    expect(fs.readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it("carries the data-source queries' answers, so the panel's PromQL charts open from the capsule with no server", async () => {
    exportCapsule(source, INCIDENT, file, () => T0 + 120_000);
    importCapsule(target, file);
    expect(target.sources.of(INCIDENT)).toEqual(source.sources.of(INCIDENT));

    // What the console asks for the panel (a narrower window than the pin), answered offline.
    const reads = new OfflineReads({ transport: noServer, cache: target });
    const [start, end] = [(T0 - 1_800_000) / 1000, (T0 + 1_800_000) / 1000];
    const read = await reads.sourceRange(DATASOURCE, { query: LATENCY, start: String(start), end: String(end), maxPoints: 500 });
    expect(read).toMatchObject({ source: 'cache', freshAsOf: T0 + 30_000 });
    expect(read.data.data.result.map((series) => series.metric.route)).toEqual(['/r0', '/r1']);
    for (const series of read.data.data.result) {
      expect(series.values).toHaveLength(61);
      expect(series.values!.every(([seconds]) => seconds >= start && seconds <= end)).toBe(true);
    }
    // Prometheus's strings kept as they were: the chart parses "NaN" and "+Inf" as online.
    const kept = source.sources.of(INCIDENT)[0]!.answer.data.result[1]!.values!;
    expect(kept[7]![1]).toBe('NaN');
    expect(kept[8]![1]).toBe('+Inf');
    const offlineByTime = new Map(read.data.data.result[1]!.values);
    for (const [seconds, value] of kept.filter(([seconds]) => offlineByTime.has(seconds))) expect(offlineByTime.get(seconds)).toBe(value);

    // A query the capsule does not carry is "not available offline", not an empty chart.
    await expect(reads.sourceRange(DATASOURCE, { query: 'rate(other[5m])', start: String(start), end: String(end) })).rejects.toMatchObject({ code: 'E_NETWORK', details: { offline: true } });
  });

  it('answers every read of the console\'s capsule view (list, bundle, alerts, series, source answers) with no server', async () => {
    // The bundle names the panel's source queries, as the server's export does.
    const sourceQueries = [LATENCY, 'up'].map((query, i) => ({ id: i + 1, incidentId: INCIDENT, datasourceId: DATASOURCE + i, query, title: null, createdBy: 'bob', createdAt: T0 }));
    source.incidents.putBundle({ ...source.incidents.bundle(INCIDENT)!.value, sourceQueries }, T0 + 60_000);
    exportCapsule(source, INCIDENT, file, () => T0 + 120_000);
    importCapsule(target, file);

    const reads = new OfflineReads({ transport: noServer, cache: target });
    expect((await reads.incidents({ limit: 200 })).data.items.map((incident) => incident.id).sort((a, b) => a - b)).toEqual([7, INCIDENT]);
    const { data: bundle, source: origin } = await reads.incidentBundle(INCIDENT);
    expect(origin).toBe('cache');
    expect(bundle.sourceQueries).toEqual(sourceQueries);
    const { from, to, selectors } = bundle.metricsWindow;
    const metrics = await reads.queryRange({ match: selectors[0]!, from, to });
    expect(metrics.data.series.map((series) => series.name)).toEqual(['cpu_usage']);
    expect(metrics.data.series[0]!.timestamps.length).toBeGreaterThan(0);
    expect((await reads.alerts({ incidentId: INCIDENT })).data.items.map((alert) => alert.incidentId)).toEqual(bundle.alerts.map(() => INCIDENT));
    // Each source query of the bundle finds the answer the capsule carried, over the panel's window.
    const answers = await Promise.all(bundle.sourceQueries!.map((query) => reads.sourceRange(query.datasourceId, { query: query.query, start: String(from / 1000), end: String(to / 1000), maxPoints: 500 })));
    expect(answers.map((answer) => answer.data.data.result.length)).toEqual([2, 0]);
  });

  it('opens a format-1 capsule (made before capsules carried source answers)', () => {
    exportCapsule(source, INCIDENT, file, () => T0 + 120_000);
    const current = decodePayload(fs.readFileSync(file));
    const { sourceRanges: _dropped, ...version1 } = current;
    // An older capsule of the same incident was opened before: its answers must not linger.
    target.sources.replaceFor(INCIDENT, source.sources.of(INCIDENT));
    fs.writeFileSync(file, frame(version1, 1));
    const imported = importCapsule(target, file);
    expect(imported).toMatchObject({ incidentId: INCIDENT, series: 2, samples: 1_440, sourceRanges: 0 });
    expect(target.sources.of(INCIDENT)).toEqual([]);
    expect(target.incidents.bundle(INCIDENT)!.value).toEqual(source.incidents.bundle(INCIDENT)!.value);
  });

  it('refuses to export an incident that is not kept offline', () => {
    expect(capsuleError(() => exportCapsule(source, 999, file)).code).toBe('E_NOT_FOUND');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('bounds the JSON a capsule holds, written and read alike: a gzip bomb is refused after that much, not after 2 GiB', () => {
    // One V8 string's worth: all JSON.stringify can write, and all the reader could decode.
    expect(MAX_CAPSULE_JSON_BYTES).toBeLessThanOrEqual(2 ** 29);
    exportCapsule(source, INCIDENT, file);
    const payload = decodeCapsule(fs.readFileSync(file));
    const jsonBytes = Buffer.byteLength(JSON.stringify(payload));
    // At the bound it is written and read back; a byte under, the writer refuses with what to do.
    expect(decodeCapsule(encodeCapsule(payload, jsonBytes), jsonBytes)).toEqual(payload);
    const refused = capsuleError(() => encodeCapsule(payload, jsonBytes - 1));
    expect(refused.code).toBe('E_PAYLOAD_TOO_LARGE');
    expect(refused.message).toMatch(/shorter window/);
    // ~64 KiB of gzip inflating to a 64 MiB JSON string, read with a bound of 1 MiB: refused
    // while inflating, before any of it is parsed (unbounded, it would parse and fail the schema).
    const inflated = Buffer.alloc(64 * 1024 * 1024, 0x61);
    inflated[0] = inflated[inflated.length - 1] = 0x22;
    const bomb = frameRaw(gzipSync(inflated, { level: 9 }));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const error = capsuleError(() => decodeCapsule(bomb, 1024 * 1024));
    expect(error.code).toBe('E_CAPSULE_INVALID');
    expect(error.details).toMatchObject({ problem: 'corrupt' });
  });

  describe('a damaged or foreign file is refused with a clear error and changes nothing', () => {
    let good: Buffer;
    beforeEach(() => {
      exportCapsule(source, INCIDENT, file);
      good = fs.readFileSync(file);
    });

    const cases: [string, (capsule: Buffer) => Buffer, string, RegExp][] = [
      ['truncated in the payload', (c) => c.subarray(0, c.length - 100), 'truncated', /cut off/],
      ['truncated in the header', (c) => c.subarray(0, 20), 'truncated', /incomplete/],
      ['a flipped byte in the payload', (c) => flip(c, c.length - 50), 'checksum', /damaged/],
      ['a flipped byte in the checksum', (c) => flip(c, 20), 'checksum', /damaged/],
      ['a PNG', () => Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'), 'foreign', /not a SmartCloudOps incident capsule/],
      ['an empty file', () => Buffer.alloc(0), 'foreign', /not a SmartCloudOps/],
      ['a newer format version', (c) => withVersion(c, CAPSULE_VERSION + 1), 'newer-version', /newer version/],
      ['valid framing around the wrong JSON', () => frame({ kind: 'something-else' }), 'schema', /not what this version expects/],
      ['a format-2 capsule without its source answers', (c) => frame(withoutSourceRanges(decodePayload(c))), 'schema', /not what this version expects/],
      ['a source answer that is not a range answer', (c) => frame(withFirstAnswer(decodePayload(c), { status: 'success', data: { resultType: 'vector', result: [] } })), 'schema', /not what this version expects/],
      ['a data-source query twice', (c) => frame(withDuplicateSourceRange(decodePayload(c))), 'schema', /appears twice/],
      ['valid framing around bytes that are not gzip', () => frameRaw(Buffer.from('plain text')), 'corrupt', /cannot be read/],
      // Whole numbers no SQLite integer holds (1e308 is an integer to JSON and to the schema):
      // the cache refused them with its own SqliteError or RangeError, not as a bad capsule.
      ['an incident id of 1e308', (c) => frame(withIncidentId(decodePayload(c), 1e308)), 'schema', /not what this version expects/],
      ['a last sample time of 1e300', (c) => frame(withLastSampleTime(decodePayload(c), 1e300)), 'schema', /not what this version expects/],
    ];

    for (const [name, damage, problem, message] of cases) {
      it(name, () => {
        fs.writeFileSync(file, damage(good));
        const before = snapshot(target);
        const error = capsuleError(() => importCapsule(target, file));
        expect(error.code).toBe('E_CAPSULE_INVALID');
        expect(error.details).toMatchObject({ problem });
        expect(error.message).toMatch(message);
        expect(snapshot(target)).toEqual(before);
      });
    }
  });
});

function flip(buffer: Buffer, at: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[at] = copy[at]! ^ 0xff;
  return copy;
}

function withVersion(buffer: Buffer, version: number): Buffer {
  const copy = Buffer.from(buffer);
  copy.writeUInt16BE(version, 8);
  return copy;
}

/** A correctly framed capsule (magic, version, length, checksum) around any payload bytes. */
function frameRaw(body: Buffer, version = CAPSULE_VERSION): Buffer {
  const header = Buffer.alloc(48);
  CAPSULE_MAGIC.copy(header, 0);
  header.writeUInt16BE(version, 8);
  header.writeUInt32BE(body.length, 12);
  createHash('sha256').update(body).digest().copy(header, 16);
  return Buffer.concat([header, body]);
}

function frame(payload: unknown, version = CAPSULE_VERSION): Buffer {
  return frameRaw(gzipSync(JSON.stringify(payload)), version);
}

type Payload = Record<string, unknown> & { sourceRanges: Array<Record<string, unknown>> };

/** The JSON inside a capsule, read without the importer's checks (to build damaged ones). */
function decodePayload(capsule: Buffer): Payload {
  return JSON.parse(gunzipSync(capsule.subarray(48)).toString('utf8')) as Payload;
}

function withoutSourceRanges({ sourceRanges: _dropped, ...rest }: Payload): Record<string, unknown> {
  return rest;
}

function withFirstAnswer(payload: Payload, answer: unknown): Payload {
  return { ...payload, sourceRanges: payload.sourceRanges.map((range, i) => (i === 0 ? { ...range, answer } : range)) };
}

function withDuplicateSourceRange(payload: Payload): Payload {
  return { ...payload, sourceRanges: [...payload.sourceRanges, payload.sourceRanges[0]!] };
}

function withIncidentId(payload: Payload, id: number): Payload {
  const bundle = payload.bundle as { incident: { id: number } };
  return { ...payload, bundle: { ...bundle, incident: { ...bundle.incident, id } } };
}

/** The first series' last sample moved to `ts` (after the others: still in time order). */
function withLastSampleTime(payload: Payload, ts: number): Payload {
  const [first, ...rest] = payload.series as Array<{ ts: number[] }>;
  return { ...payload, series: [{ ...first!, ts: [...first!.ts.slice(0, -1), ts] }, ...rest] };
}

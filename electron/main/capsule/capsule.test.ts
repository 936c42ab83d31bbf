import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import { openLocalCache, type LocalCache } from '../cache/local-cache.ts';
import { bundleFixture } from '../testing/bundle-fixture.ts';
import { CAPSULE_MAGIC } from './capsule-format.ts';
import { exportCapsule } from './capsule-export.ts';
import { importCapsule } from './capsule-import.ts';

const T0 = Date.UTC(2026, 5, 1, 12);
const STEP = 10_000;
const INCIDENT = 42;

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

    expect(imported).toEqual({ incidentId: INCIDENT, title: 'HighCpu on web-1', createdAt: T0 + 120_000, series: 2, samples: 1_440 });
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

  it('refuses to export an incident that is not kept offline', () => {
    expect(capsuleError(() => exportCapsule(source, 999, file)).code).toBe('E_NOT_FOUND');
    expect(fs.existsSync(file)).toBe(false);
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
      ['a newer format version', (c) => withVersion(c, 2), 'newer-version', /newer version/],
      ['valid framing around the wrong JSON', () => frame({ kind: 'something-else' }), 'schema', /not what this version expects/],
      ['valid framing around bytes that are not gzip', () => frameRaw(Buffer.from('plain text')), 'corrupt', /cannot be read/],
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
function frameRaw(body: Buffer): Buffer {
  const header = Buffer.alloc(48);
  CAPSULE_MAGIC.copy(header, 0);
  header.writeUInt16BE(1, 8);
  header.writeUInt32BE(body.length, 12);
  createHash('sha256').update(body).digest().copy(header, 16);
  return Buffer.concat([header, body]);
}

function frame(payload: unknown): Buffer {
  return frameRaw(gzipSync(JSON.stringify(payload)));
}

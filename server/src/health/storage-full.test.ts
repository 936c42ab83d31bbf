import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import pino from 'pino';
import { StorageHealth } from './storage.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** A log sink the test reads. */
function captureLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

// Random values: the chunk store packs regular ones into a few bytes, and a batch that fits in
// the pages already there is rightly accepted; these need new pages, which the limit refuses.
const batch = (n: number, start: number) => ({
  series: [{ name: 'disk_filler', labels: { run: String(start) }, samples: Array.from({ length: n }, (_, i) => [start + i * 1000, Math.random() * 1e9]) }],
});

/**
 * A full disk (simulated on the connection with PRAGMA max_page_count, which makes SQLite
 * answer SQLITE_FULL exactly as on a full file system) gives 507 to writes, not-ready with
 * the reason, one log line per interval, and the server recovers by itself.
 */
describe('storage full', () => {
  let server: TestServer;
  let clockOffset = 0;
  const log = captureLog();

  beforeAll(async () => {
    server = await startTestServer({ logStream: log.stream, config: { logLevel: 'info' }, now: () => Date.now() + clockOffset });
  });
  afterAll(() => server.close());

  it('answers 507 E_STORAGE_FULL to writes, stays readable, says not-ready, logs once, and recovers', async () => {
    const ingest = (payload: object) => server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload });
    expect((await ingest(batch(10, 1_000_000))).statusCode).toBe(200);
    const db = server.app.ctx.db;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);

    for (let i = 0; i < 25; i++) {
      const refused = await ingest(batch(5000, 2_000_000 + i * 10_000_000));
      expect(refused.statusCode).toBe(507);
      expect(refused.json().error.code).toBe('E_STORAGE_FULL');
    }
    const silence = await server.injectAs('operator', { method: 'POST', url: '/api/v1/silences', payload: { matchers: [{ name: 'a', op: '=', value: 'b' }], durationSeconds: 60, comment: 'x'.repeat(4000) } });
    expect([201, 507]).toContain(silence.statusCode);
    expect((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/metrics/series' })).statusCode).toBe(200);

    const ready = await server.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.message).toMatch(/Storage full/);
    expect((await server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);

    const fullLines = log.lines.filter((line) => line.includes('storage full'));
    expect(fullLines).toHaveLength(1);
    expect(log.lines.filter((line) => line.includes('request failed'))).toEqual([]);

    // Space comes back: the next write succeeds and readiness returns once the hold lapses.
    db.pragma('max_page_count = 1073741823');
    expect((await ingest(batch(2000, 900_000_000))).statusCode).toBe(200);
    clockOffset += 11_000;
    expect((await server.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  });
});

/** Whether this process may mount a tmpfs (root, as in CI containers); probed once. */
function tmpfsAvailable(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-tmpfs-probe-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
  if (mounted) spawnSync('umount', [probe]);
  fs.rmSync(probe, { recursive: true, force: true });
  return mounted;
}

describe.skipIf(!tmpfsAvailable())('storage full on a real file system (small tmpfs)', () => {
  const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-tmpfs-'));
  let server: TestServer | undefined;
  let clockOffset = 0;

  afterAll(async () => {
    await server?.app.close();
    spawnSync('umount', [mountPoint]);
    fs.rmSync(mountPoint, { recursive: true, force: true });
  });

  it('answers 507 once the disk is full, and recovers when it grows', async () => {
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint]).status).toBe(0);
    server = await startTestServer({ dataDir: mountPoint, now: () => Date.now() + clockOffset });
    // Sign in before the disk fills: creating the test users is a write too.
    await server.tokenFor('admin');
    await server.tokenFor('viewer');
    const ingest = (payload: object) => server!.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload });
    let status = 200;
    for (let i = 0; i < 400 && status === 200; i++) {
      const response = await ingest(batch(5000, 10_000_000 + i * 10_000_000));
      status = response.statusCode;
      // Ingest this fast also fills the anomaly scoring backlog (503, shed): let it drain.
      if (status === 503) {
        await server.app.anomaly.idle();
        status = 200;
      } else if (status !== 200) {
        expect(response.json().error.code).toBe('E_STORAGE_FULL');
      }
    }
    expect(status).toBe(507);
    expect((await server.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
    expect((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/metrics/series' })).statusCode).toBe(200);

    expect(spawnSync('mount', ['-o', 'remount,size=256m', mountPoint]).status).toBe(0);
    expect((await ingest(batch(100, 5_000_000_000))).statusCode).toBe(200);
    clockOffset += 11_000;
    expect((await server.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  }, 300_000);
});

describe('storage full, then the clock steps back', () => {
  it('a refused write holds readiness 10 s of the clock, not the length of the step back; the next refusal is logged', () => {
    const log = captureLog();
    let clock = Date.UTC(2026, 11, 7, 6);
    // A folder with room (more than the 1 MiB floor): only the refused write holds readiness.
    const health = new StorageHealth({ dataDir: os.tmpdir(), log: pino(log.stream), now: () => clock, minFreeBytes: 0 });
    health.reportFull(Object.assign(new Error('full'), { code: 'SQLITE_FULL' }));
    expect(health.status().ok).toBe(false);
    // NTP steps the clock back an hour: the hold was measured as "not 10 s yet" for that hour.
    clock -= 3_600_000;
    expect(health.status()).toEqual({ ok: true, reason: null });
    health.reportFull(Object.assign(new Error('full'), { code: 'SQLITE_FULL' }));
    expect(log.lines.filter((line) => line.includes('storage full'))).toHaveLength(2);
  });
});

describe('unwritable data folder at start-up', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops with a message naming the folder and the fix, exit status 2, no stack trace', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-unwritable-'));
    dirs.push(parent);
    // A data folder below a regular file can be neither created nor written, even by root.
    const blocker = path.join(parent, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    const dataDir = path.join(blocker, 'data');
    const result = spawnSync(process.execPath, ['server/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, SMARTCLOUDOPS_DATA_DIR: dataDir, SMARTCLOUDOPS_PORT: '0', SMARTCLOUDOPS_LOG_LEVEL: 'silent', SMARTCLOUDOPS_ADMIN_PASSWORD: 'unwritable-test-1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`Cannot write the data folder ${dataDir}`);
    expect(result.stderr).toContain('SMARTCLOUDOPS_DATA_DIR');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Piscina } from 'piscina';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './build-server.ts';
import { SQLITE_FILE_NAME } from '../server/src/db/database-url.ts';
import { CHILD_ADMIN_PASSWORD, startServerChild } from '../server/src/testing/server-child.ts';
import { MODEL_LOAD_FAILED } from '../server/src/anomaly/protocol.ts';

// The built server (what npm start, the image and the peer benchmarks run) next to
// out/server, at the same depth, so that it finds package.json as out/server does.
const OUT = path.resolve('out', `server-test-${process.pid}`);
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };

describe('the built server (npm run build:server)', () => {
  beforeAll(() => buildServer(OUT), 60_000);
  afterAll(() => fs.rmSync(OUT, { recursive: true, force: true }));

  it("starts, migrates its database and serves, with Node's TypeScript stripping off", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-built-'));
    // Type stripping off: the build must not reach back into a .ts file.
    const server = await startServerChild({ SMARTCLOUDOPS_DATA_DIR: dataDir, NODE_OPTIONS: '--no-experimental-strip-types' }, path.join(OUT, 'main.js'));
    try {
      const health = (await (await fetch(`${server.url}/health`)).json()) as { version: string };
      expect(health.version).toBe(pkg.version);
      const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: CHILD_ADMIN_PASSWORD }) });
      expect(login.status).toBe(200);
      const db = new Database(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
      const applied = (db.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n;
      db.close();
      expect(applied).toBe(fs.readdirSync('server/src/db/migrations').filter((file) => file.endsWith('.sql')).length);
    } finally {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('runs its worker entry points (host reader, anomaly scoring, range answers) as built files', async () => {
    const host = new Piscina({ filename: path.join(OUT, 'host-thread.js'), maxThreads: 1 });
    const scoring = new Piscina({ filename: path.join(OUT, 'anomaly-worker.js'), maxThreads: 1 });
    const ranges = new Piscina({ filename: path.join(OUT, 'range-worker.js'), maxThreads: 1 });
    try {
      const batches = (await host.run('built-test-host')) as unknown[];
      expect(batches.length).toBeGreaterThan(0);
      // A model that is not one: the worker's own code answers, so the bundle loaded.
      await expect(scoring.run({ kind: 'explain', model: new SharedArrayBuffer(8), modelId: 1, features: new Float64Array(1) })).rejects.toThrow(MODEL_LOAD_FAILED);
      const series = { id: 7, name: 'built_check', labels: { host: 'a' }, resolution: 'raw', cached: { timestamps: new Float64Array([1000, 2000]), values: new Float64Array([0.5, 2]) } };
      const answer = (await ranges.run({ request: { from: 0, to: 3000, agg: 'avg', maxPoints: 10 }, series: [series] })) as { json: Uint8Array };
      expect(JSON.parse(Buffer.from(answer.json).toString('utf8'))).toMatchObject({ series: [{ id: 7, name: 'built_check', timestamps: [1000, 2000], values: [0.5, 2] }] });
    } finally {
      await Promise.all([host.destroy(), scoring.destroy(), ranges.destroy()]);
    }
  }, 60_000);

  it('runs the WAL checkpointer thread as a built file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-built-wal-'));
    const file = path.join(dir, 'db.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    const thread = new Worker(path.join(OUT, 'wal-checkpoint-thread.js'), { workerData: { file, pages: 1000, pollMs: 20, idleMs: 30_000 } });
    try {
      expect(await new Promise((resolve, reject) => thread.once('message', resolve).once('error', reject))).toEqual({ type: 'ready' });
    } finally {
      await thread.terminate();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the administration CLI', () => {
    const cli = spawnSync(process.execPath, [path.join(OUT, 'cli.js'), '--help'], { encoding: 'utf8' });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('Usage: smartcloudops migrate');
  });
});

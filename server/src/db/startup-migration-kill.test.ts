import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations, openDatabase } from './database.ts';
import { MetricsStore } from '../metrics/store.ts';

const MAIN = path.resolve(import.meta.dirname, '../main.ts');
const LEGACY = path.resolve(import.meta.dirname, '../metrics/fixtures/legacy-v1.db');

type Start = 'killed' | 'listening';

/**
 * `main.ts` on the data folder; SIGKILLed as soon as `killWhen` holds (checked on every
 * change of the folder), or left to start and then killed once it listens.
 */
function startAndKill(dataDir: string, killWhen: (() => boolean) | null): Promise<Start> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, SMARTCLOUDOPS_DATA_DIR: dataDir, SMARTCLOUDOPS_HOST: '127.0.0.1', SMARTCLOUDOPS_PORT: '0', SMARTCLOUDOPS_LOG_LEVEL: 'warn', SMARTCLOUDOPS_COLLECT_INTERVAL: '0', SMARTCLOUDOPS_DATABASE_URL: '', SMARTCLOUDOPS_DATASOURCE_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let outcome: Start = 'killed';
    let stderr = '';
    const watcher = killWhen
      ? fs.watch(dataDir, () => {
          if (killWhen()) child.kill('SIGKILL');
        })
      : null;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      if (!chunk.toString('utf8').includes('listening on')) return;
      outcome = 'listening';
      child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      watcher?.close();
      if (signal === 'SIGKILL') resolve(outcome);
      else reject(new Error(`server exited by itself:\n${stderr}`));
    });
  });
}

/** The versions recorded as applied, read as an outside reader would (the kill's WAL included). */
function appliedVersions(file: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[]);
  } finally {
    db.close();
  }
}

/**
 * An old data folder (schema 30, metrics in the row-per-sample tables: `metrics/fixtures`)
 * whose upgrade at start-up (40 SQL migrations, then the metrics conversion and its VACUUM)
 * is killed with SIGKILL twice while it migrates (as soon as the file has a WAL, then at the
 * WAL's next write): each kill keeps what was committed, and the start that finishes leaves
 * the newest schema and loses no sample.
 */
describe('kill -9 while an old data folder is migrated at start-up', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-migration-kill-'));
  const file = path.join(dataDir, 'smartcloudops.db');
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('finishes the upgrade at the next start, every sample kept', async () => {
    fs.copyFileSync(LEGACY, file);
    const legacy = new Database(file, { readonly: true });
    const samples = legacy.prepare('SELECT series_id, ts, value FROM metric_samples ORDER BY series_id, ts').raw().all() as [number, number, number][];
    const versionsBefore = legacy.prepare('SELECT version FROM schema_migrations').pluck().all() as number[];
    legacy.close();
    const latest = Math.max(...loadMigrations().map((m) => m.version));

    // First kill: as soon as SQLite has a WAL for the file (converted to incremental vacuum, migrating).
    const wal = `${file}-wal`;
    expect(await startAndKill(dataDir, () => fs.existsSync(wal))).toBe('killed');
    const afterFirst = appliedVersions(file);
    expect(afterFirst).toEqual(expect.arrayContaining(versionsBefore));
    // Second kill: at the next write to the WAL.
    const walSize = () => (fs.existsSync(wal) ? fs.statSync(wal).size : 0);
    const sizeAtStart = walSize();
    expect(await startAndKill(dataDir, () => walSize() > sizeAtStart)).toBe('killed');
    const afterSecond = appliedVersions(file);
    expect(afterSecond).toEqual(expect.arrayContaining(afterFirst));
    // The kills landed before the upgrade was done: otherwise this proved nothing.
    expect(afterSecond.length).toBeLessThan(loadMigrations().length);

    expect(await startAndKill(dataDir, null)).toBe('listening');
    expect(appliedVersions(file).at(-1)).toBe(latest);
    const db = openDatabase(file);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const store = new MetricsStore(db, () => Date.now());
      const after: [number, number, number][] = [];
      for (const { id } of store.series().sort((a, b) => a.id - b.id)) for (const [ts, v] of store.readRaw(id, 0, Number.MAX_SAFE_INTEGER)) after.push([id, ts, v]);
      expect(after).toEqual(samples);
    } finally {
      db.close();
    }
  }, 300_000);
});

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalCache } from '../cache/local-cache.ts';
import { fetchTransport } from '../testing/fetch-transport.ts';
import { freePort, ServerProcess } from '../testing/server-process.ts';
import { cacheSamples, ingestBody, serverSamples } from '../testing/sync-fixtures.ts';
import { SyncEngine } from './sync-engine.ts';

const FIXTURE = path.join(import.meta.dirname, 'sync-client.fixture.ts');

/**
 * Runs the syncing client until it has reported `killAt` samples, lets it start its next
 * request, and SIGKILLs it in the middle of that page; resolves with what it reported. The
 * client asks before each request (`ready`), so it cannot run ahead of this decision.
 */
function syncUntilKilled(file: string, url: string, token: string, killAt: number): Promise<{ reported: number; finished: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE, file, url, token, '500'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let reported = 0;
    let finished = false;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => {}); // a write racing the kill
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const samples = /^samples (\d+)$/.exec(line);
      if (samples) reported = Math.max(reported, Number(samples[1]));
      if (line === 'done') finished = true;
      if (line !== 'ready') return;
      child.stdin.write('go\n');
      if (reported >= killAt) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || finished) resolve({ reported, finished });
      else reject(new Error(`sync client exited with ${code} before the kill:\n${stderr}`));
    });
  });
}

/**
 * The desktop app killed (SIGKILL: a crash, a forced quit, a power cut of the process) in the
 * middle of a backfill, twice, at different points: each time the cache file must open as it
 * is (not set aside as damaged), keep what earlier runs committed, and the next sync must finish it
 * from its cursor, ending equal to the server's export, sample for sample.
 */
describe('the desktop cache across a kill of the app in the middle of a sync', () => {
  const serverDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-client-kill-server-'));
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-client-kill-cache-'));
  let server: ServerProcess;

  afterAll(async () => {
    await server?.kill();
    fs.rmSync(serverDir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('opens after each kill and resyncs to exactly the server\'s samples', async () => {
    server = new ServerProcess(serverDir, await freePort());
    await server.start();
    const token = await server.login();
    const transport = fetchTransport(server.url, () => token);
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: ingestBody(20, 1_000) });
    const file = path.join(cacheDir, 'profile.db');

    let before = 0;
    for (const killAt of [3_000, 11_000]) {
      const { finished } = await syncUntilKilled(file, server.url, token, killAt);
      expect(finished).toBe(false);
      // The file as the kill left it (WAL included) is a sound SQLite database.
      const raw = new Database(file);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
      const cache = openLocalCache(file);
      const held = cache.metrics.sampleCount();
      cache.close();
      // Never less than what an earlier run had committed.
      expect(held).toBeGreaterThanOrEqual(before);
      expect(held).toBeLessThan(20_000);
      before = held;
    }

    const cache = openLocalCache(file);
    try {
      expect(fs.readdirSync(cacheDir).filter((name) => name.includes('damaged'))).toEqual([]);
      await new SyncEngine({ cache, transport, stream: { connect: () => ({ close: () => {} }) }, pageSize: 500 }).syncNow();
      const expected = await serverSamples(transport);
      expect(expected.size).toBe(20_000);
      expect(cacheSamples(cache)).toEqual(expected);
    } finally {
      cache.close();
    }
  }, 300_000);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';

const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-writer.fixture.ts');

describe('crash safety', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('survives kill -9 mid-write: the database opens, passes integrity_check and holds every acknowledged write', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-crash-'));
    const file = path.join(dir, 'smartcloudops.db');
    const child = spawn(process.execPath, [WRITER, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    // 'close' comes after the exit and after stdout has delivered everything the child wrote.
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) => {
      // Also on close: a writer that dies by itself must fail the assertions below, not hang.
      child.on('close', () => resolve());
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        // Enough writes that checkpoints have run, then kill without warning.
        if (output.length > 40_000 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    expect(await closed).toBe('SIGKILL');

    // Only complete lines were acknowledged; a trailing partial line is not a promise.
    const acknowledged = output.split('\n').slice(0, -1).map(Number);
    expect(acknowledged.length).toBeGreaterThan(1000);

    const db = openDatabase(file);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set((db.prepare('SELECT id FROM crash_probe').all() as Array<{ id: number }>).map((row) => row.id));
      const missing = acknowledged.filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
    } finally {
      db.close();
    }
  });
});

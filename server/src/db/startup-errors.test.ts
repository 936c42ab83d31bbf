import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { freePort } from '../testing/prometheus.ts';

const MAIN = path.resolve(import.meta.dirname, '../main.ts');

interface Outcome {
  status: number | null;
  stderr: string;
}

/** `node server/src/main.ts` on a data folder, until it exits (a server that starts is a failure: it is killed after 120 s). */
function start(dataDir: string, env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        SMARTCLOUDOPS_DATA_DIR: dataDir,
        SMARTCLOUDOPS_HOST: '127.0.0.1',
        SMARTCLOUDOPS_PORT: '0',
        SMARTCLOUDOPS_LOG_LEVEL: 'silent',
        SMARTCLOUDOPS_COLLECT_INTERVAL: '0',
        SMARTCLOUDOPS_ADMIN_PASSWORD: 'startup-errors-1',
        SMARTCLOUDOPS_DATABASE_URL: '',
        SMARTCLOUDOPS_DATASOURCE_KEY: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // A server that did start says so on stdout: it should not have.
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString('utf8').includes('listening on')) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

/** One line saying what is wrong, exit status 2, no stack trace. */
function expectSetupError(outcome: Outcome, ...texts: string[]): void {
  expect(outcome.stderr).not.toMatch(/^\s+at /m);
  for (const text of texts) expect(outcome.stderr).toContain(text);
  expect(outcome.status).toBe(2);
}

describe('start-up in a damaged environment', () => {
  const dirs: string[] = [];
  const immutable: string[] = [];
  afterEach(() => {
    for (const file of immutable.splice(0)) spawnSync('chattr', ['-i', file]);
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const dataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-startup-'));
    dirs.push(dir);
    return dir;
  };
  /** A data folder with a migrated database holding a few rows, closed cleanly. */
  const populated = () => {
    const dir = dataDir();
    const db = openDatabase(path.join(dir, 'smartcloudops.db'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    return { dir, file: path.join(dir, 'smartcloudops.db') };
  };

  it('a database file that is not a database: names the file and the fix', async () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, 'smartcloudops.db'), Buffer.alloc(20_000, 0x5a));
    expectSetupError(await start(dir), `Cannot use the database file ${path.join(dir, 'smartcloudops.db')}`, 'SQLITE_NOTADB', 'restore it from a backup');
  }, 150_000);

  it('a truncated database file: names the file and the fix', async () => {
    const { dir, file } = populated();
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    expectSetupError(await start(dir), `Cannot use the database file ${file}`, 'SQLITE_CORRUPT', 'restore it from a backup');
  }, 150_000);

  it('a database written by a newer server: the schema message, not a stack trace', async () => {
    const dir = dataDir();
    const raw = new Database(path.join(dir, 'smartcloudops.db'));
    raw.pragma('user_version = 999');
    raw.close();
    expectSetupError(await start(dir), 'Database schema version 999 is newer than this server knows');
  }, 150_000);

  it('a database file this user may not write: refused at start-up, not run read-only until the first write fails', async (context) => {
    const { dir, file } = populated();
    if (process.getuid?.() === 0) {
      // root writes through file modes: an immutable file is what it cannot write.
      if (spawnSync('chattr', ['+i', file]).status !== 0) context.skip();
      immutable.push(file);
    } else {
      fs.chmodSync(file, 0o444);
    }
    expectSetupError(await start(dir), `Cannot use the database file ${file}`, 'not writable', 'chown or chmod');
  }, 150_000);

  it('an empty or damaged data source key file: names the file and what to do', async () => {
    const { dir } = populated();
    fs.writeFileSync(path.join(dir, 'datasource-secrets.key'), '');
    expectSetupError(await start(dir), `${path.join(dir, 'datasource-secrets.key')} is not a valid 256-bit key`, 'SMARTCLOUDOPS_DATASOURCE_KEY');
  }, 150_000);

  it('a bad SMARTCLOUDOPS_DATASOURCE_KEY: names the variable and never repeats the value', async () => {
    const outcome = await start(dataDir(), { SMARTCLOUDOPS_DATASOURCE_KEY: 'c2hvcnQtc2VjcmV0' });
    expectSetupError(outcome, 'Invalid configuration: SMARTCLOUDOPS_DATASOURCE_KEY');
    expect(outcome.stderr).not.toContain('c2hvcnQtc2VjcmV0');
  }, 150_000);

  it('PostgreSQL not answering: names the database (password masked), not a driver stack trace', async () => {
    const port = await freePort();
    const outcome = await start(dataDir(), { SMARTCLOUDOPS_DATABASE_URL: `postgres://sco:hunter2-secret@127.0.0.1:${port}/sco` });
    expectSetupError(outcome, `Cannot reach the database postgres://sco:***@127.0.0.1:${port}/sco`, 'ECONNREFUSED');
    expect(outcome.stderr).not.toContain('hunter2-secret');
  }, 150_000);

  it('SMARTCLOUDOPS_RUNBOOKS_DIR naming a file: names the folder and the variable, not a mkdir stack trace', async () => {
    const dir = dataDir();
    const file = path.join(dir, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    expectSetupError(await start(dir, { SMARTCLOUDOPS_RUNBOOKS_DIR: file }), `Cannot use the runbook folder ${file}`, 'SMARTCLOUDOPS_RUNBOOKS_DIR');
  }, 150_000);

  it('a port another program holds: names the address and the variables', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      const port = (holder.address() as net.AddressInfo).port;
      expectSetupError(await start(dataDir(), { SMARTCLOUDOPS_PORT: String(port) }), `Cannot listen on 127.0.0.1:${port} (EADDRINUSE)`, 'SMARTCLOUDOPS_PORT');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 150_000);

  it('a second server on a SQLite data folder in use is refused; the lock does not outlive a SIGKILLed server', async () => {
    const dir = dataDir();
    /** A server that stays up: resolves once it listens (or rejects with what it said when it exits first). */
    const serve = () =>
      new Promise<ChildProcess>((resolve, reject) => {
        const child = spawn(process.execPath, [MAIN], {
          env: { ...process.env, SMARTCLOUDOPS_DATA_DIR: dir, SMARTCLOUDOPS_HOST: '127.0.0.1', SMARTCLOUDOPS_PORT: '0', SMARTCLOUDOPS_LOG_LEVEL: 'silent', SMARTCLOUDOPS_COLLECT_INTERVAL: '0', SMARTCLOUDOPS_ADMIN_PASSWORD: 'startup-errors-1', SMARTCLOUDOPS_DATABASE_URL: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString('utf8').includes('listening on')) resolve(child);
        });
        child.on('exit', (status) => reject(new Error(`server exited with ${status}: ${stderr}`)));
      });
    const killed = (child: ChildProcess) =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    const first = await serve();
    try {
      expectSetupError(await start(dir), `Another SmartCloudOps server is already using the data folder ${dir}`, 'SMARTCLOUDOPS_DATA_DIR');
    } finally {
      await killed(first);
    }
    // Nothing stale: the kernel let go of the lock with the process.
    await killed(await serve());
  }, 300_000);
});

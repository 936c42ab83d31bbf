import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { eventually } from './eventually.ts';

/**
 * A throw-away PostgreSQL server for tests: `initdb` + `pg_ctl` from the Debian package, in a
 * temporary folder, listening on 127.0.0.1 on a free port (and a unix socket inside the
 * folder, so it never touches /var/run/postgresql). Nothing is shared with other test runs.
 */
export interface TestPostgres {
  /** `postgres://user:password@127.0.0.1:port/smartcloudops` (the database exists). */
  url: string;
  port: number;
  /** Creates another empty database on the same server and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server but keeps its data, like a database outage; `resume()` brings it back on the same port. */
  suspend(): Promise<void>;
  resume(): Promise<void>;
  /** Stops the server (immediate shutdown) and removes the temporary folder. */
  stop(): Promise<void>;
}

const run = promisify(execFile);
const USER = 'smartcloudops';
const DATABASE = 'smartcloudops';

/** The newest installed PostgreSQL bin folder (Debian: /usr/lib/postgresql/<major>/bin), or an override. */
function findBinDir(): string | undefined {
  const override = process.env.SMARTCLOUDOPS_TEST_PG_BIN;
  if (override) return fs.existsSync(path.join(override, 'initdb')) ? override : undefined;
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const majors = fs
    .readdirSync(root)
    .filter((entry) => /^\d+$/.test(entry) && fs.existsSync(path.join(root, entry, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] === undefined ? undefined : path.join(root, majors[0], 'bin');
}

function postgresUserExists(): boolean {
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    execFileSync('runuser', ['--help'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why PostgreSQL tests cannot run on this machine, or undefined when they can. initdb refuses
 * to run as root, so as root the server runs as the `postgres` user (through runuser); any
 * other user runs it directly.
 */
export function postgresUnavailable(): string | undefined {
  if (process.platform === 'win32') return 'PostgreSQL tests need Linux or macOS';
  if (!findBinDir()) return 'PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb; run: sudo bash scripts/install-system-deps.sh test)';
  if (process.getuid?.() === 0 && !postgresUserExists()) return 'running as root without a `postgres` user and runuser, and initdb refuses root';
  return undefined;
}

/** Asks the kernel for a free loopback port; PostgreSQL binds it a moment later (a clash is retried). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a fresh server. Throws when it cannot start; callers check postgresUnavailable()
 * first and skip with its reason.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const reason = postgresUnavailable();
  if (reason) throw new Error(`cannot start PostgreSQL: ${reason}`);
  const bin = findBinDir()!;
  const asRoot = process.getuid?.() === 0;
  // As root every PostgreSQL command runs as `postgres`; the folder must belong to it.
  const command = (tool: string, args: string[]) => (asRoot ? (['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] as const) : ([path.join(bin, tool), args] as const));
  const exec = (tool: string, args: string[]) => {
    const [file, argv] = command(tool, args);
    return run(file, [...argv], { encoding: 'utf8', timeout: 180_000 });
  };

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  fs.mkdirSync(socketDir);
  const password = randomBytes(12).toString('hex');
  const passwordFile = path.join(dir, 'password');
  fs.writeFileSync(passwordFile, password, { mode: 0o600 });
  if (asRoot) execFileSync('chown', ['-R', 'postgres:', dir]);
  let stopped = false;

  const removeFolder = () => fs.rmSync(dir, { recursive: true, force: true });
  // A test process that dies without calling stop() must not leave a postmaster behind.
  const stopOnExit = () => {
    if (stopped) return;
    try {
      const [file, argv] = command('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
      execFileSync(file, [...argv], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    removeFolder();
  };

  try {
    await exec('initdb', ['-D', dataDir, '-U', USER, '--pwfile', passwordFile, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync']);
    let port = 0;
    let startOptions = '';
    // The free port can be taken between our probe and PostgreSQL's bind: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      // Loopback only, socket in our folder, and durability off: this data is thrown away.
      const options = `-h 127.0.0.1 -p ${port} -k ${socketDir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
      try {
        startOptions = options;
        await exec('pg_ctl', ['start', '-D', dataDir, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', '120']);
        process.once('exit', stopOnExit);
        break;
      } catch (error) {
        const log = fs.existsSync(path.join(dir, 'server.log')) ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8') : '';
        if (attempt < 4 && /could not bind|address already in use/i.test(log)) continue;
        throw new Error(`pg_ctl start failed: ${(error as Error).message}\n${log}`, { cause: error });
      }
    }
    // pg_ctl -w already waited; pg_isready confirms the TCP listener takes connections.
    await eventually(
      () => exec('pg_isready', ['-h', '127.0.0.1', '-p', String(port), '-U', USER, '-d', 'postgres']).then(() => true),
      (ready) => ready,
      60_000,
    );
    const urlFor = (database: string) => `postgres://${USER}:${password}@127.0.0.1:${port}/${database}`;
    const createDatabase = async (name: string) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      const client = new pg.Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    };
    const url = await createDatabase(DATABASE);
    return {
      url,
      port,
      createDatabase,
      async suspend() {
        // A fast (clean) shutdown: the test server runs with synchronous_commit=off for speed,
        // so an immediate one could drop the last commits (a login's session) and the test
        // would see data loss the setting made, not the server.
        await exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']);
      },
      async resume() {
        await exec('pg_ctl', ['start', '-D', dataDir, '-l', path.join(dir, 'server.log'), '-o', startOptions, '-w', '-t', '120']);
      },
      async stop() {
        if (stopped) return;
        process.removeListener('exit', stopOnExit);
        await exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']).catch(() => undefined);
        stopped = true;
        removeFolder();
      },
    };
  } catch (error) {
    stopOnExit();
    stopped = true;
    process.removeListener('exit', stopOnExit);
    throw error;
  }
}

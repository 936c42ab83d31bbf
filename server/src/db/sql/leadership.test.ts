import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDataDir, testDatabases, useTestDatabase } from '../../testing/databases.ts';
import { eventually } from '../../testing/eventually.ts';
import { databaseSettings } from '../database-url.ts';
import { openDatabase } from '../database.ts';
import { createLeadership, LEADER_APPLICATION_NAME, type Leadership } from './leadership.ts';
import { openSqlDatabase, type SqlDatabase } from './open.ts';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'leader.fixture.ts');
const RETRY_MS = 200;

describe.each(testDatabases())('leadership of scheduled work on $name', (database) => {
  const databases = useTestDatabase(database);
  const opened: SqlDatabase[] = [];
  const started: Leadership[] = [];
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const leadership of started.splice(0)) await leadership.stop();
    for (const sql of opened.splice(0)) await sql.close();
  });

  async function open(env: Record<string, string>): Promise<SqlDatabase> {
    const dir = tempDataDir('sco-leadership-');
    const sql = openSqlDatabase(databaseSettings(env, dir), openDatabase(path.join(dir, 'smartcloudops.db')));
    opened.push(sql);
    return sql;
  }

  function contender(sql: SqlDatabase): Leadership {
    const leadership = createLeadership(sql, { name: 'scheduled-work', retryMs: RETRY_MS });
    started.push(leadership);
    leadership.start();
    return leadership;
  }

  /** The leadership connections on this database: their backend pid and whether each holds the advisory lock. */
  async function connections(url: string): Promise<Array<{ pid: number; holds: boolean }>> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number; holds: boolean }>(
        `SELECT a.pid, EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted) AS holds
           FROM pg_stat_activity a WHERE a.datname = current_database() AND a.application_name LIKE $1 ORDER BY a.pid`,
        [`${LEADER_APPLICATION_NAME}%`],
      );
      return rows;
    } finally {
      await client.end();
    }
  }

  async function terminate(url: string, pid: number): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await client.end();
    }
  }

  it.skipIf(database.name !== 'sqlite')('on SQLite the one process is always the leader', async () => {
    const leadership = contender(await open(await databases.fresh()));
    expect(leadership.isLeader).toBe(true);
  });

  it.skipIf(database.name !== 'postgres' || database.skip)('two replicas: exactly one leads; when its connection drops the other takes over', async () => {
    const env = await databases.fresh();
    const url = env.SMARTCLOUDOPS_DATABASE_URL!;
    const [a, b] = [contender(await open(env)), contender(await open(env))];
    let both = false;
    const changes: Array<[string, boolean]> = [];
    for (const [name, leadership] of [['a', a], ['b', b]] as const) {
      leadership.onChange((leader) => {
        changes.push([name, leader]);
        if (a.isLeader && b.isLeader) both = true;
      });
    }
    // Both connected, one of them holding the lock and leading, the other following.
    const before = await eventually(() => connections(url), (rows) => rows.length === 2 && rows.filter((row) => row.holds).length === 1, 60_000);
    await eventually(() => [a.isLeader, b.isLeader], ([x, y]) => x !== y, 60_000);
    const [leader, follower] = a.isLeader ? [a, b] : [b, a];

    // The leader's connection drops (a network cut, or its backend ended): it steps down, the follower leads.
    await terminate(url, before.find((row) => row.holds)!.pid);
    await eventually(() => [leader.isLeader, follower.isLeader], ([was, now]) => !was && now === true, 60_000);
    // The old leader reconnects and follows: still exactly one lock holder.
    await eventually(() => connections(url), (rows) => rows.length === 2 && rows.filter((row) => row.holds).length === 1, 60_000);
    expect(leader.isLeader).toBe(false);
    expect(follower.isLeader).toBe(true);

    // The leader leaves cleanly (shutdown): the other takes over.
    await follower.stop();
    await eventually(() => leader.isLeader, (now) => now, 60_000);
    expect(both).toBe(false);
    expect(changes.filter(([, leader]) => leader).length).toBe(3);
  }, 180_000);

  it.skipIf(database.name !== 'postgres' || database.skip)('a leader killed with SIGKILL is replaced within the retry interval', async () => {
    const env = await databases.fresh();
    const url = env.SMARTCLOUDOPS_DATABASE_URL!;
    const child = spawn(process.execPath, [FIXTURE, url, String(RETRY_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await eventually(() => output, (text) => text.includes('leader'), 60_000);

    const survivor = contender(await open(env));
    // The survivor is connected and has been refused the lock while the child lives.
    await eventually(() => connections(url), (rows) => rows.length === 2 && rows.filter((row) => row.holds).length === 1, 60_000);
    expect(survivor.isLeader).toBe(false);

    child.kill('SIGKILL');
    await eventually(() => survivor.isLeader, (leader) => leader, 60_000);
    const after = await connections(url);
    expect(after).toHaveLength(1);
    expect(after[0]!.holds).toBe(true);
  }, 180_000);
});

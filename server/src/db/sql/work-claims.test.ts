import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDataDir, testDatabases, useTestDatabase } from '../../testing/databases.ts';
import { eventually } from '../../testing/eventually.ts';
import { databaseSettings } from '../database-url.ts';
import { openDatabase } from '../database.ts';
import { openSqlDatabase, type SqlDatabase } from './open.ts';
import pg from 'pg';
import { SESSION_KEEPALIVES } from './named-session.ts';
import { CLAIMS_APPLICATION_PREFIX, createWorkClaims, newReplicaId, type WorkClaims } from './work-claims.ts';

/** `ss` (iproute2) shows the kernel's keepalive timer of a socket. */
const hasSs = (() => {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'work-claims.fixture.ts');

describe('replica names', () => {
  it('are the host name and a random suffix, short enough for application_name', () => {
    const a = newReplicaId('smartcloudops-7d9f8b6c5-abcde');
    expect(a).toMatch(/^smartcloudops-7d9f8b6c5-abcde-[0-9a-f]{8}$/);
    expect(newReplicaId('smartcloudops-7d9f8b6c5-abcde')).not.toBe(a);
    expect(newReplicaId('x'.repeat(200) + ' odd/host').length).toBeLessThanOrEqual(63 - 21);
  });
});

describe.each(testDatabases())('work claims on $name', (database) => {
  const databases = useTestDatabase(database);
  const opened: SqlDatabase[] = [];
  const started: WorkClaims[] = [];
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const claims of started.splice(0)) await claims.stop();
    for (const sql of opened.splice(0)) await sql.close();
  });

  async function replica(env: Record<string, string>, replicaId: string): Promise<WorkClaims> {
    const dir = tempDataDir('sco-claims-');
    const sql = openSqlDatabase(databaseSettings(env, dir), openDatabase(path.join(dir, 'smartcloudops.db')));
    opened.push(sql);
    const claims = createWorkClaims(sql, { name: 'test-work', timeoutMs: 30_000, replicaId });
    started.push(claims);
    return claims;
  }

  it.skipIf(database.name !== 'sqlite')('on SQLite the one process is the only member and holds every claim', async () => {
    const claims = await replica(await databases.fresh(), 'solo');
    expect(await claims.members()).toEqual(['solo']);
    expect(await claims.claim(1)).toBe(true);
    expect(await claims.claim(1)).toBe(true);
  });

  it.skipIf(database.name !== 'postgres' || database.skip)('two replicas see each other when the database URL names an application_name of its own', async () => {
    // The URL's application_name (a documented parameter) overrode the claims session's name,
    // so no replica found another: each thought itself alone and owned every watch and target.
    const env = await databases.fresh();
    const named = { ...env, SMARTCLOUDOPS_DATABASE_URL: `${env.SMARTCLOUDOPS_DATABASE_URL}?application_name=sco-prod` };
    const [a, b] = [await replica(named, 'replica-a'), await replica(named, 'replica-b')];
    // Each session opens with its first call.
    expect(await a.claim(1)).toBe(true);
    expect(await b.claim(2)).toBe(true);
    expect(await a.members()).toEqual(['replica-a', 'replica-b']);
    expect(await b.members()).toEqual(['replica-a', 'replica-b']);
  });

  it.skipIf(database.name !== 'postgres' || database.skip || !hasSs)('has PostgreSQL probe the claims session within seconds, so a lost node\'s claims do not stay held for hours', async () => {
    const env = await databases.fresh();
    const claims = await replica(env, 'replica-probed');
    expect(await claims.claim(1)).toBe(true);
    const observer = new pg.Client({ connectionString: env.SMARTCLOUDOPS_DATABASE_URL });
    await observer.connect();
    let clientPort: number;
    try {
      const { rows } = await observer.query<{ port: number }>('SELECT client_port AS port FROM pg_stat_activity WHERE application_name = $1', [`${CLAIMS_APPLICATION_PREFIX}replica-probed`]);
      clientPort = rows[0]!.port;
    } finally {
      await observer.end();
    }
    // The database's end of the session (its peer is the session's port): the kernel's keepalive timer on it.
    const timer = await eventually(
      () => execFileSync('ss', ['-tnoH', 'state', 'established', `( dport = :${clientPort} )`], { encoding: 'utf8' }),
      (out) => /timer:\(keepalive,/.test(out),
    );
    const [, amount, unit] = /timer:\(keepalive,([\d.]+)(ms|sec|min)/.exec(timer)!;
    const seconds = Number(amount) * (unit === 'min' ? 60 : unit === 'ms' ? 0.001 : 1);
    expect(seconds).toBeLessThanOrEqual(SESSION_KEEPALIVES.idleSeconds);
  });

  it.skipIf(database.name !== 'postgres' || database.skip)('two replicas see each other; a piece is held by one at a time; a replica that stops leaves with its claims', async () => {
    const env = await databases.fresh();
    const [a, b] = [await replica(env, 'replica-a'), await replica(env, 'replica-b')];
    expect(await a.claim(1)).toBe(true);
    expect(await b.claim(2)).toBe(true);
    expect(await a.members()).toEqual(['replica-a', 'replica-b']);
    expect(await b.members()).toEqual(['replica-a', 'replica-b']);
    expect(await b.claim(1)).toBe(false);
    expect(await a.claim(2)).toBe(false);
    // Handed over: released by A, then B's claim succeeds.
    await a.release(1);
    expect(await b.claim(1)).toBe(true);
    expect(await a.claim(1)).toBe(false);

    let lost = 0;
    b.onLost(() => lost++);
    await b.stop();
    expect(lost).toBe(1);
    expect(await a.members()).toEqual(['replica-a']);
    expect(await a.claim(1)).toBe(true);
    expect(await a.claim(2)).toBe(true);
  }, 180_000);

  it.skipIf(database.name !== 'postgres' || database.skip)('a replica killed with SIGKILL drops out of the members and its claims go free', async () => {
    const env = await databases.fresh();
    const child = spawn(process.execPath, [FIXTURE, env.SMARTCLOUDOPS_DATABASE_URL!, 'doomed'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await eventually(() => output, (text) => text.includes('claimed'), 60_000);

    const survivor = await replica(env, 'survivor');
    expect(await survivor.members()).toEqual(['doomed', 'survivor']);
    expect(await survivor.claim(7)).toBe(false);

    child.kill('SIGKILL');
    await eventually(() => survivor.members(), (members) => members.length === 1 && members[0] === 'survivor', 60_000);
    await eventually(() => survivor.claim(7), (claimed) => claimed, 60_000);
  }, 180_000);
});

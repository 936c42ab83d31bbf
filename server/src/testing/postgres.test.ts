import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePostgresUrl } from '../db/database-url.ts';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from './postgres.ts';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`[postgres tests skipped] ${unavailable}`);

describe.skipIf(unavailable !== undefined)('test PostgreSQL (initdb + pg_ctl in a temporary folder)', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startTestPostgres();
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  it('answers queries on a loopback URL with a password', async () => {
    const url = new URL(server.url);
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.password).not.toBe('');
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const result = await client.query<{ one: number; db: string }>('SELECT 1 AS one, current_database() AS db');
      expect(result.rows).toEqual([{ one: 1, db: 'smartcloudops' }]);
    } finally {
      await client.end();
    }
  });

  it('its URL passes the SMARTCLOUDOPS_DATABASE_URL parser, whose fields connect', async () => {
    const settings = parsePostgresUrl(server.url);
    expect(settings).toMatchObject({ dialect: 'postgres', host: '127.0.0.1', port: server.port, database: 'smartcloudops' });
    const client = new pg.Client({ host: settings.host, port: settings.port, database: settings.database, user: settings.user, password: settings.password });
    await client.connect();
    try {
      expect((await client.query('SELECT current_user AS user')).rows).toEqual([{ user: settings.user }]);
    } finally {
      await client.end();
    }
  });

  it('refuses a wrong password', async () => {
    const url = new URL(server.url);
    url.password = 'wrong';
    const client = new pg.Client({ connectionString: url.toString() });
    await expect(client.connect()).rejects.toThrow(/password authentication failed/);
  });

  // Replicas starting together migrate once under an advisory lock: the lock must be exclusive
  // across sessions and released on unlock.
  it('holds an advisory lock for one session at a time', async () => {
    const a = new pg.Client({ connectionString: server.url });
    const b = new pg.Client({ connectionString: server.url });
    await a.connect();
    await b.connect();
    try {
      const tryLock = async (client: pg.Client) => (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(1616) AS locked')).rows[0]!.locked;
      expect(await tryLock(a)).toBe(true);
      expect(await tryLock(b)).toBe(false);
      await a.query('SELECT pg_advisory_unlock(1616)');
      expect(await tryLock(b)).toBe(true);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('creates further empty databases for parametrised tests', async () => {
    const url = await server.createDatabase('second_db');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1', ['public'])).rows[0]).toEqual({ n: 0 });
    } finally {
      await client.end();
    }
  });
});

describe.skipIf(unavailable !== undefined)('stopping the test PostgreSQL', () => {
  it('stops the server and removes its folder', async () => {
    const server = await startTestPostgres();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const dataDir = (await client.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'data_directory'")).rows[0]!.setting;
    await client.end();
    expect(fs.existsSync(dataDir)).toBe(true);
    await server.stop();
    expect(fs.existsSync(dataDir)).toBe(false);
    await expect(new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 10_000 }).connect()).rejects.toThrow();
  }, 180_000);
});

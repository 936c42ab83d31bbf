import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by the `server-postgres` project's global set-up: the maintenance database URL of its PostgreSQL. */
    postgresPassUrl: string | undefined;
  }
}

/**
 * The `server-postgres` test project runs the server's HTTP-level suites a second time with
 * every test server on PostgreSQL (a new empty database each): this is the URL of a fresh
 * database in that project, undefined in every other (SQLite, the default).
 */
export async function postgresPassDatabase(): Promise<string | undefined> {
  const maintenance = passUrl();
  if (!maintenance) return undefined;
  const name = `pass_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: maintenance });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(maintenance);
  url.pathname = `/${name}`;
  return url.toString();
}

/** This test runs in the PostgreSQL pass: for the few tests of SQLite's own behaviour (a data folder's file), which skip there. */
export function inPostgresPass(): boolean {
  return passUrl() !== undefined;
}

/** The pass's maintenance URL; none outside vitest (the Playwright suites start test servers too). */
function passUrl(): string | undefined {
  try {
    return inject('postgresPassUrl');
  } catch {
    return undefined;
  }
}

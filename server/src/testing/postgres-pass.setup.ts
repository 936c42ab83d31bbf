import type { TestProject } from 'vitest/node';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from './postgres.ts';

let server: TestPostgres | undefined;

/**
 * Global set-up of the `server-postgres` project: one throw-away PostgreSQL for the whole
 * pass (each test server creates its own database on it). Where PostgreSQL is not installed
 * the pass runs on SQLite again and says so once.
 */
export async function setup(project: TestProject): Promise<void> {
  const missing = postgresUnavailable();
  if (missing) {
    console.warn(`[server-postgres pass on SQLite] ${missing}`);
    project.provide('postgresPassUrl', undefined);
    return;
  }
  server = await startTestPostgres();
  const url = new URL(server.url);
  url.pathname = '/postgres';
  project.provide('postgresPassUrl', url.toString());
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import type { AuditEntry } from '../../../../shared/api/audit.ts';
import type { SqlDialect } from '../../db/sql/open.ts';
import type { SqlSchema } from '../../db/sql/schema.ts';
import type { TestServer } from '../../testing/test-server.ts';

/** Makes the audit log refuse entries of `action` (a trigger on its INSERT), on SQLite or PostgreSQL. */
export async function refuseAudit(db: Kysely<SqlSchema>, dialect: SqlDialect, action: string): Promise<void> {
  if (dialect === 'sqlite') {
    await sql.raw(`CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log WHEN NEW.action = '${action}' BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END`).execute(db);
    return;
  }
  await sql.raw(`CREATE OR REPLACE FUNCTION test_refuse_audit() RETURNS trigger AS $$ BEGIN IF NEW.action = '${action}' THEN RAISE EXCEPTION 'injected audit failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`).execute(db);
  await sql.raw('CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()').execute(db);
}

export async function allowAudit(db: Kysely<SqlSchema>, dialect: SqlDialect): Promise<void> {
  await sql.raw(dialect === 'sqlite' ? 'DROP TRIGGER test_refuse_audit' : 'DROP TRIGGER test_refuse_audit ON audit_log').execute(db);
}

/** Runs `attempt` while the audit log refuses entries of `action`. */
export async function whileRefused<T>(server: TestServer, action: string, attempt: () => Promise<T>): Promise<T> {
  const { db, dialect } = server.app.ctx.sql;
  await refuseAudit(db, dialect, action);
  try {
    return await attempt();
  } finally {
    await allowAudit(db, dialect);
  }
}

/** The stored entries of `action`, newest first. */
export async function auditEntries(server: TestServer, action: string): Promise<AuditEntry[]> {
  const response = await server.injectAs('admin', { method: 'GET', url: `/api/v1/audit?action=${action}&limit=1000` });
  expect(response.statusCode).toBe(200);
  return (response.json() as { entries: AuditEntry[] }).entries;
}

import type { Db } from '../db/database.ts';
import { WhereClause } from '../db/where-clause.ts';
import type { AuditEntry, AuditOutcome } from '../../../shared/api/audit.ts';

export type { AuditEntry, AuditOutcome };

export interface AuditEntryInput {
  /** Username or API key name; null for anonymous (e.g. a failed login of an unknown user). */
  actor: string | null;
  actorKind: 'user' | 'apiKey' | 'anonymous' | 'system';
  /** Dotted verb, e.g. `auth.login`, `user.create`, `alert.acknowledge`. */
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  outcome?: AuditOutcome;
  target?: string;
  from?: number;
  to?: number;
  /** Return entries with id below this (keyset paging, newest first). */
  before?: number;
  limit?: number;
}

/** Append-only audit log (the table's triggers refuse updates and deletes). */
export class AuditLog {
  readonly #insert;
  readonly #db: Db;
  readonly #now: () => number;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#insert = db.prepare(
      'INSERT INTO audit_log (ts, actor, actor_kind, action, target, outcome, ip, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  record(entry: AuditEntryInput): number {
    const result = this.#insert.run(
      this.#now(),
      entry.actor,
      entry.actorKind,
      entry.action,
      entry.target ?? null,
      entry.outcome,
      entry.ip ?? null,
      entry.details ? JSON.stringify(entry.details) : null,
    );
    return Number(result.lastInsertRowid);
  }

  query(q: AuditQuery): AuditEntry[] {
    const where = new WhereClause();
    if (q.actor) where.add('actor = ?', q.actor);
    if (q.action) where.add(q.action.endsWith('*') ? 'action LIKE ?' : 'action = ?', q.action.endsWith('*') ? `${q.action.slice(0, -1)}%` : q.action);
    if (q.outcome) where.add('outcome = ?', q.outcome);
    if (q.target) where.add('target = ?', q.target);
    if (q.from !== undefined) where.add('ts >= ?', q.from);
    if (q.to !== undefined) where.add('ts <= ?', q.to);
    if (q.before !== undefined) where.add('id < ?', q.before);
    const sql = `SELECT * FROM audit_log ${where.toSql()} ORDER BY id DESC LIMIT ?`;
    const args = where.args;
    const rows = this.#db.prepare(sql).all(...args, Math.min(q.limit ?? 100, 10_000)) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      id: row.id as number,
      ts: row.ts as number,
      actor: row.actor as string | null,
      actorKind: row.actor_kind as AuditEntry['actorKind'],
      action: row.action as string,
      target: row.target as string | null,
      outcome: row.outcome as AuditOutcome,
      ip: row.ip as string | null,
      details: row.details ? (JSON.parse(row.details as string) as Record<string, unknown>) : null,
    }));
  }
}

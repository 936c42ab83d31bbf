import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqlDatabase } from '../db/sql/open.ts';
import { AuditLog } from './store.ts';

/** The write queue behind `record()`: order, flush, and a failed write reported without stopping the queue. */
describe('AuditLog write queue', () => {
  const open = () => {
    const sqlite = new Database(':memory:');
    const database = openSqlDatabase({ dialect: 'sqlite', file: ':memory:' }, sqlite);
    return { sqlite, database };
  };
  const createTable = (sqlite: Database.Database) =>
    sqlite.exec('CREATE TABLE audit_log (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, actor TEXT, actor_kind TEXT NOT NULL, action TEXT NOT NULL, target TEXT, outcome TEXT NOT NULL, ip TEXT, details TEXT)');

  it('stores entries in the order recorded, with the time they were recorded at', async () => {
    const { sqlite, database } = open();
    createTable(sqlite);
    let clock = 1_000;
    const audit = new AuditLog(database, () => (clock += 1));
    audit.record({ actor: 'a', actorKind: 'user', action: 'x.one', outcome: 'success' });
    audit.record({ actor: 'b', actorKind: 'user', action: 'x.two', outcome: 'failure', target: 't', ip: '10.0.0.1', details: { n: 2 } });
    await audit.flush();
    expect(sqlite.prepare('SELECT ts, actor, action, target, outcome, ip, details FROM audit_log ORDER BY id').all()).toEqual([
      { ts: 1_001, actor: 'a', action: 'x.one', target: null, outcome: 'success', ip: null, details: null },
      { ts: 1_002, actor: 'b', action: 'x.two', target: 't', outcome: 'failure', ip: '10.0.0.1', details: '{"n":2}' },
    ]);
    expect((await audit.query({ action: 'x.*' })).map((e) => e.action)).toEqual(['x.two', 'x.one']);
    await database.close();
  });

  it('stores a lone entry (its own batch, the compiled single-row statement) as a batch of several does', async () => {
    const { sqlite, database } = open();
    createTable(sqlite);
    const audit = new AuditLog(database, () => 5_000);
    audit.record({ actor: null, actorKind: 'anonymous', action: 'auth.login', outcome: 'failure' });
    await audit.flush();
    audit.record({ actor: 'key', actorKind: 'apiKey', action: 'alert.ingest', target: 'integration:alertmanager', outcome: 'success', ip: '127.0.0.1', details: { accepted: 100, rejected: 0 } });
    await audit.flush();
    expect(sqlite.prepare('SELECT ts, actor, actor_kind, action, target, outcome, ip, details FROM audit_log ORDER BY id').all()).toEqual([
      { ts: 5_000, actor: null, actor_kind: 'anonymous', action: 'auth.login', target: null, outcome: 'failure', ip: null, details: null },
      { ts: 5_000, actor: 'key', actor_kind: 'apiKey', action: 'alert.ingest', target: 'integration:alertmanager', outcome: 'success', ip: '127.0.0.1', details: '{"accepted":100,"rejected":0}' },
    ]);
    await database.close();
  });

  it('rejects flush() when a write fails, logs it, and goes on with later entries', async () => {
    const { sqlite, database } = open();
    const errors: unknown[] = [];
    const audit = new AuditLog(database, Date.now, { error: (details, message) => void errors.push({ details, message }) });
    // No table yet: the write fails.
    audit.record({ actor: 'a', actorKind: 'user', action: 'lost', outcome: 'success' });
    await expect(audit.flush()).rejects.toThrow(/audit_log/);
    expect(errors).toHaveLength(1);
    createTable(sqlite);
    audit.record({ actor: 'a', actorKind: 'user', action: 'kept', outcome: 'success' });
    await audit.flush();
    expect(sqlite.prepare('SELECT action FROM audit_log').all()).toEqual([{ action: 'kept' }]);
    // Nothing pending: flush resolves at once.
    await audit.flush();
    await database.close();
  });
});

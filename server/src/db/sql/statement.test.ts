import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqlDatabase } from './open.ts';
import { statement } from './statement.ts';

/**
 * Parameters bound as the caller gave them when the query takes them in that order (no
 * copy), and picked out by slot otherwise: both ways give the same rows, through Kysely and
 * as a prepared statement on the connection a unit holds.
 */
describe('statement', () => {
  // Every value the caller's, in the query's order.
  const insert = statement(
    (db, ts: number, actor: string | null, action: string, kind: 'user', outcome: 'success') => db.insertInto('audit_log').values({ ts, actor, action, actor_kind: kind, outcome }),
    [0, null, '', 'user', 'success'],
  );
  // The caller's values in another order than the query's, and a value written in the query.
  const find = statement(
    (db, actor: string, since: number) => db.selectFrom('audit_log').select(['ts', 'actor', 'action']).where('outcome', '=', 'success').where('ts', '>=', since).where('actor', '=', actor).orderBy('id'),
    ['', 0],
  );

  it('binds values in order without a copy, and by slot around constants, on both paths', async () => {
    const sqlite = new Database(':memory:');
    sqlite.exec('CREATE TABLE audit_log (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, actor TEXT, actor_kind TEXT NOT NULL, action TEXT NOT NULL, target TEXT, outcome TEXT NOT NULL, ip TEXT, details TEXT)');
    const database = openSqlDatabase({ dialect: 'sqlite', file: ':memory:' }, sqlite);
    const viaKysely = { dialect: database.dialect, db: database.db };
    const viaConnection = { ...viaKysely, sqlite };
    expect(await insert.run(viaKysely, 1, 'ann', 'a.one', 'user', 'success')).toBe(1);
    expect(await insert.run(viaConnection, 2, 'bob', 'b.one', 'user', 'success')).toBe(1);
    expect(await insert.run(viaConnection, 3, 'ann', 'a.two', 'user', 'success')).toBe(1);
    const expected = [{ ts: 1, actor: 'ann', action: 'a.one' }, { ts: 3, actor: 'ann', action: 'a.two' }];
    expect(await find.all(viaKysely, 'ann', 0)).toEqual(expected);
    expect(await find.all(viaConnection, 'ann', 0)).toEqual(expected);
    expect(await find.first(viaConnection, 'ann', 2)).toEqual(expected[1]);
    expect(await find.all(viaKysely, 'bob', 3)).toEqual([]);
    // SQLite in a unit: the INSERT's own rowid, as RETURNING id would give it.
    expect(insert.insertedId(viaConnection, 4, 'cy', 'c.one', 'user', 'success')).toBe(4);
    expect(() => insert.insertedId(viaKysely, 5, 'cy', 'c.two', 'user', 'success')).toThrow(/SQLite in a unit of work only/);
    await database.close();
  });
});

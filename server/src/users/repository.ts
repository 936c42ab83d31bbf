import { sql, type Kysely } from 'kysely';
import type { Role } from '../../../shared/auth/permissions.ts';
import type { SqlDatabase } from '../db/sql/open.ts';
import { afterCommit } from '../db/sql/transaction-scope.ts';
import { compiledOnce } from '../db/sql/compiled-once.ts';
import type { SqlSchema, UsersTable } from '../db/sql/schema.ts';
import type { UserRecord, UserStore } from './store.ts';

/** The database, or a transaction on it. */
type Executor = Kysely<SqlSchema>;

export type UserRow = Omit<UsersTable, 'id'> & { id: number };

const userById = compiledOnce((db: Executor, id: number) => db.selectFrom('users').selectAll().where('id', '=', id), [0] as [number]);

export function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    disabled: row.disabled === 1,
    mustChangePassword: row.must_change_password === 1,
    createdAt: row.created_at,
    passwordHash: row.password_hash,
  };
}

/**
 * Accounts on the shared query layer: the one source of truth, on SQLite or PostgreSQL.
 *
 * On PostgreSQL every write here is still copied into the data folder's SQLite file
 * (`mirror`), and `syncMirror()` copies the whole table at start-up, for the features that
 * looked users up there; since ChatOps moved to the query layer none does, and the copy can
 * go (docs/architecture.md). On SQLite it is this very table: nothing is copied.
 */
export class UserRepository {
  readonly #sql: SqlDatabase;
  readonly #mirror: UserStore | undefined;
  readonly #now: () => number;

  constructor(database: SqlDatabase, mirror: UserStore | undefined, now: () => number = Date.now) {
    this.#sql = database;
    // On SQLite the query layer and the synchronous store share one table: nothing to copy.
    this.#mirror = database.dialect === 'postgres' ? mirror : undefined;
    this.#now = now;
  }

  async count(): Promise<number> {
    const row = await this.#sql.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Case-insensitive, like the unique index (SQLite NOCASE, PostgreSQL lower()). */
  async byUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.#sql.db.selectFrom('users').selectAll().where(sql`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
    return row && toRecord(row);
  }

  async byId(id: number, db?: Executor): Promise<UserRecord | undefined> {
    // Every authenticated request looks its user up: compiled once (compiled-once.ts), except inside a transaction.
    const row = db ? await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst() : (await userById(this.#sql.db, id)).rows[0];
    return row && toRecord(row);
  }

  async list(db: Executor = this.#sql.db): Promise<UserRecord[]> {
    return (await db.selectFrom('users').selectAll().orderBy('username').execute()).map(toRecord);
  }

  async create(input: { username: string; passwordHash: string; role: Role; mustChangePassword: boolean }): Promise<UserRecord> {
    const now = this.#now();
    const row = await this.#sql.db
      .insertInto('users')
      .values({ ...this.#newId(), username: input.username, password_hash: input.passwordHash, role: input.role, disabled: 0, must_change_password: input.mustChangePassword ? 1 : 0, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    afterCommit(() => this.#mirror?.put(toRecord(row)));
    return toRecord(row);
  }

  /** Creates the user unless the name is taken (replicas bootstrapping `admin` together); true when created. */
  async createIfAbsent(input: { username: string; passwordHash: string; role: Role; mustChangePassword: boolean }): Promise<boolean> {
    const now = this.#now();
    const row = await this.#sql.db
      .insertInto('users')
      .values({ ...this.#newId(), username: input.username, password_hash: input.passwordHash, role: input.role, disabled: 0, must_change_password: input.mustChangePassword ? 1 : 0, created_at: now, updated_at: now })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) afterCommit(() => this.#mirror?.put(toRecord(row)));
    return row !== undefined;
  }

  /**
   * SQLite: a new user's id is above every id ever given (migration 067), never a deleted
   * user's, which references without a foreign key (a run's requester, a note's author)
   * still name. PostgreSQL's identity column does that by itself.
   */
  #newId(): { id?: ReturnType<typeof sql<number>> } {
    if (this.#sql.dialect !== 'sqlite') return {};
    return { id: sql<number>`(SELECT max(coalesce((SELECT max(id) FROM users), 0), coalesce((SELECT last_id FROM user_id_high_water), 0)) + 1)` };
  }

  async update(id: number, changes: Partial<{ role: Role; disabled: boolean; passwordHash: string; mustChangePassword: boolean }>, db: Executor = this.#sql.db): Promise<UserRecord | undefined> {
    const set = {
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.disabled !== undefined ? { disabled: Number(changes.disabled) } : {}),
      ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash } : {}),
      ...(changes.mustChangePassword !== undefined ? { must_change_password: Number(changes.mustChangePassword) } : {}),
    };
    if (Object.keys(set).length === 0) return this.byId(id, db);
    const row = await db
      .updateTable('users')
      .set({ ...set, updated_at: this.#now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (row) afterCommit(() => this.#mirror?.put(toRecord(row)));
    return row && toRecord(row);
  }

  async delete(id: number, db: Executor = this.#sql.db): Promise<boolean> {
    const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    afterCommit(() => this.#mirror?.remove(id));
    return Number(result.numDeletedRows) > 0;
  }

  /** PostgreSQL: makes the SQLite copy equal to the database (start-up, and after other replicas' changes). */
  async syncMirror(): Promise<void> {
    if (!this.#mirror) return;
    this.#mirror.replaceAll(await this.list());
  }
}

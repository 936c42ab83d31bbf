import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.ts';
import type { Role } from '../../../shared/auth/permissions.ts';
import type { User } from '../../../shared/api/auth.ts';

export interface UserRecord extends User {
  passwordHash: string;
}

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  disabled: number;
  must_change_password: number;
  created_at: number;
}

function toRecord(row: UserRow): UserRecord {
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

export function publicUser(record: UserRecord): User {
  const { passwordHash: _hash, ...user } = record;
  return user;
}

/**
 * Synchronous look-ups of users in the data folder's SQLite file, for the features not moved
 * to the shared query layer yet (ChatOps). Writes go through `UserRepository`;
 * on SQLite this is the same table, on PostgreSQL a copy it keeps (`put`, `remove`,
 * `replaceAll`) so that those features' look-ups and foreign keys still hold.
 */
export class UserStore {
  readonly #db: Db;
  #byId: Statement | undefined;

  constructor(db: Db) {
    this.#db = db;
  }

  count(): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  byUsername(username: string): UserRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return row && toRecord(row);
  }

  byId(id: number): UserRecord | undefined {
    // Read on every authenticated request (the user may have been disabled): prepared once.
    this.#byId ??= this.#db.prepare('SELECT * FROM users WHERE id = ?');
    const row = this.#byId.get(id) as UserRow | undefined;
    return row && toRecord(row);
  }

  list(): UserRecord[] {
    return (this.#db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toRecord);
  }

  /** Mirror: inserts or overwrites one user, keeping the database's id. */
  put(user: UserRecord): void {
    this.#db
      .prepare(
        `INSERT INTO users (id, username, password_hash, role, disabled, must_change_password, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET username = excluded.username, password_hash = excluded.password_hash, role = excluded.role,
           disabled = excluded.disabled, must_change_password = excluded.must_change_password, updated_at = excluded.updated_at`,
      )
      .run(user.id, user.username, user.passwordHash, user.role, Number(user.disabled), Number(user.mustChangePassword), user.createdAt, Date.now());
  }

  /** Mirror: removes one user (rows of the file that reference them go with them, as on the database). */
  remove(id: number): void {
    this.#db.prepare('DELETE FROM users WHERE id = ?').run(id);
  }

  /** Mirror: makes the table hold exactly these users. */
  replaceAll(users: UserRecord[]): void {
    this.#db.transaction(() => {
      const keep = new Set(users.map((user) => user.id));
      for (const { id } of this.#db.prepare('SELECT id FROM users').all() as { id: number }[]) if (!keep.has(id)) this.remove(id);
      for (const user of users) {
        // A name moved from one id to another: free it first (the name is unique).
        this.#db.prepare('DELETE FROM users WHERE username = ? AND id <> ?').run(user.username, user.id);
        this.put(user);
      }
    })();
  }
}

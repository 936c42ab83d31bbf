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

export class UserStore {
  readonly #db: Db;
  #byId: Statement | undefined;
  readonly #now: () => number;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
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

  create(input: { username: string; passwordHash: string; role: Role; mustChangePassword: boolean }): UserRecord {
    const now = this.#now();
    const result = this.#db
      .prepare('INSERT INTO users (username, password_hash, role, must_change_password, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(input.username, input.passwordHash, input.role, input.mustChangePassword ? 1 : 0, now, now);
    return this.byId(Number(result.lastInsertRowid))!;
  }

  update(id: number, changes: Partial<{ role: Role; disabled: boolean; passwordHash: string; mustChangePassword: boolean }>): UserRecord | undefined {
    const columns: Record<string, unknown> = {
      role: changes.role,
      disabled: changes.disabled === undefined ? undefined : Number(changes.disabled),
      password_hash: changes.passwordHash,
      must_change_password: changes.mustChangePassword === undefined ? undefined : Number(changes.mustChangePassword),
    };
    const present = Object.entries(columns).filter(([, value]) => value !== undefined);
    const sets = present.map(([column]) => `${column} = ?`);
    const args = present.map(([, value]) => value);
    if (sets.length > 0) {
      this.#db.prepare(`UPDATE users SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`).run(...args, this.#now(), id);
    }
    return this.byId(id);
  }

  delete(id: number): boolean {
    return this.#db.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0;
  }
}

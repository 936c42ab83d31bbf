import { AppError } from '../../../shared/errors.ts';
import type { CreateUserRequest, UpdateUserRequest, User } from '../../../shared/api/users.ts';
import { sql, type Kysely } from 'kysely';
import type { SqlDatabase } from '../db/sql/open.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import type { SqlSchema } from '../db/sql/schema.ts';
import { hashPassword, validateNewPassword, verifyPassword } from './passwords.ts';
import { publicUser } from './store.ts';
import type { UserRepository } from './repository.ts';

/** Ends a user's sessions; the auth feature's refresh tokens, passed in so users does not depend on auth. */
export interface UserSessions {
  revokeUser(userId: number): Promise<void>;
}

export interface UserServiceDeps {
  sql: SqlDatabase;
  users: UserRepository;
  sessions: UserSessions;
}

/** Advisory lock key serialising changes that could remove the last admin. */
const ADMIN_CHANGE_LOCK = 0x53434f61646dn.toString();

function checkPassword(password: string, field: string): void {
  const problem = validateNewPassword(password);
  if (problem) throw new AppError('E_VALIDATION', `The password ${problem}.`, [{ path: `/${field}`, message: problem }]);
}

/**
 * User administration. Guards the invariants that HTTP schemas cannot: there is always
 * an enabled admin, and a disabled user or a changed password ends every session.
 */
const WRONG_CURRENT_PASSWORD = 'The current password is wrong.';

/** A password change refused because the current password was wrong: a guess, counted like a failed login. */
export function isWrongCurrentPassword(error: unknown): boolean {
  return error instanceof AppError && error.code === 'E_VALIDATION' && error.message === WRONG_CURRENT_PASSWORD;
}

export class UserService {
  readonly #deps: UserServiceDeps;

  constructor(deps: UserServiceDeps) {
    this.#deps = deps;
  }

  async list(): Promise<User[]> {
    return (await this.#deps.users.list()).map(publicUser);
  }

  async get(id: number): Promise<User> {
    return publicUser(await this.#record(id));
  }

  async create(request: CreateUserRequest): Promise<User> {
    checkPassword(request.password, 'password');
    if (await this.#deps.users.byUsername(request.username)) throw new AppError('E_CONFLICT', `The username ${request.username} is taken.`);
    const passwordHash = await hashPassword(request.password);
    // The unique index decides between two requests (or replicas) taking the name together.
    const created = await this.#deps.users.createIfAbsent({ username: request.username, passwordHash, role: request.role, mustChangePassword: request.mustChangePassword ?? true });
    const user = created ? await this.#deps.users.byUsername(request.username) : undefined;
    if (!user) throw new AppError('E_CONFLICT', `The username ${request.username} is taken.`);
    return publicUser(user);
  }

  async update(id: number, changes: UpdateUserRequest): Promise<User> {
    const updated = await this.#adminChange(async (db) => {
      const user = await this.#record(id, db);
      const losesAdmin = user.role === 'admin' && !user.disabled && ((changes.role !== undefined && changes.role !== 'admin') || changes.disabled === true);
      if (losesAdmin) await this.#assertAnotherAdmin(id, changes.disabled === true ? 'disabled' : 'demoted', db);
      return (await this.#deps.users.update(id, changes, db))!;
    });
    if (changes.disabled === true) await this.#deps.sessions.revokeUser(id);
    return publicUser(updated);
  }

  async delete(id: number): Promise<User> {
    const removed = await this.#adminChange(async (db) => {
      const user = await this.#record(id, db);
      if (user.role === 'admin' && !user.disabled) await this.#assertAnotherAdmin(id, 'removed', db);
      await this.#deps.users.delete(id, db);
      return publicUser(user);
    });
    // The removal took the user's sessions with it (foreign keys) without a word: said, so
    // what outlives a request (open event streams) ends with them.
    await this.#deps.sessions.revokeUser(id);
    return removed;
  }

  /** Admin reset: by default the user must choose a new password at next login. */
  async resetPassword(id: number, password: string, mustChangePassword = true): Promise<User> {
    checkPassword(password, 'password');
    await this.#record(id);
    const passwordHash = await hashPassword(password);
    const user = await this.#deps.users.update(id, { passwordHash, mustChangePassword });
    if (!user) throw new AppError('E_NOT_FOUND', 'No such user.');
    await this.#deps.sessions.revokeUser(id);
    return publicUser(user);
  }

  /**
   * One's own change: needs the current password; ends every other session. The password
   * work (argon2) is done first; the writes then run in one transaction with `andThen`
   * (the caller's new session and audit entry), so the change, the sessions it ends and
   * what the caller records of it commit together.
   */
  async changeOwnPassword<T>(id: number, currentPassword: string, newPassword: string, andThen: (user: User) => Promise<T>): Promise<T> {
    const user = await this.#record(id);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      // Not a 401: the session is fine, the form is not.
      throw new AppError('E_VALIDATION', WRONG_CURRENT_PASSWORD, [{ path: '/currentPassword', message: 'is wrong' }]);
    }
    checkPassword(newPassword, 'newPassword');
    if (await verifyPassword(user.passwordHash, newPassword)) {
      throw new AppError('E_VALIDATION', 'The new password must differ from the current one.', [{ path: '/newPassword', message: 'must differ from the current password' }]);
    }
    const passwordHash = await hashPassword(newPassword);
    return transaction(this.#deps.sql, async () => {
      const updated = await this.#deps.users.update(id, { passwordHash, mustChangePassword: false });
      if (!updated) throw new AppError('E_NOT_FOUND', 'No such user.');
      await this.#deps.sessions.revokeUser(id);
      return andThen(publicUser(updated));
    });
  }

  async #record(id: number, db?: Kysely<SqlSchema>) {
    const user = await this.#deps.users.byId(id, db);
    if (!user) throw new AppError('E_NOT_FOUND', 'No such user.');
    return user;
  }

  async #assertAnotherAdmin(id: number, change: string, db: Kysely<SqlSchema>): Promise<void> {
    const others = (await this.#deps.users.list(db)).filter((u) => u.id !== id && u.role === 'admin' && !u.disabled);
    if (others.length === 0) throw new AppError('E_CONFLICT', `The last admin cannot be ${change}.`);
  }

  /**
   * A change that may remove an admin, in one transaction. On PostgreSQL such changes also
   * queue on one advisory lock, so two replicas demoting the last two admins at once cannot
   * both see "another admin remains". (SQLite has one writer anyway.)
   */
  async #adminChange<T>(work: (db: Kysely<SqlSchema>) => Promise<T>): Promise<T> {
    const outcome = await transaction(this.#deps.sql, async (trx) => {
      if (this.#deps.sql.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${ADMIN_CHANGE_LOCK})`.execute(trx);
      // A refusal commits the (empty) transaction instead of rolling it back: on SQLite the
      // connection is shared, and a rollback could take another request's write with it.
      try {
        return { value: await work(trx) };
      } catch (error) {
        if (error instanceof AppError) return { refused: error };
        throw error;
      }
    });
    if ('refused' in outcome) throw outcome.refused;
    return outcome.value;
  }
}

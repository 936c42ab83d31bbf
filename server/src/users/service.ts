import { AppError } from '../../../shared/errors.ts';
import type { CreateUserRequest, UpdateUserRequest, User } from '../../../shared/api/users.ts';
import type { Db } from '../db/database.ts';
import { hashPassword, validateNewPassword, verifyPassword } from './passwords.ts';
import { publicUser, type UserStore } from './store.ts';

/** Ends a user's sessions; the auth feature's refresh tokens, passed in so users does not depend on auth. */
export interface UserSessions {
  revokeUser(userId: number): void;
}

export interface UserServiceDeps {
  db: Db;
  users: UserStore;
  sessions: UserSessions;
}

function checkPassword(password: string, field: string): void {
  const problem = validateNewPassword(password);
  if (problem) throw new AppError('E_VALIDATION', `The password ${problem}.`, [{ path: `/${field}`, message: problem }]);
}

/**
 * User administration. Guards the invariants that HTTP schemas cannot: there is always
 * an enabled admin, and a disabled user or a changed password ends every session.
 */
export class UserService {
  readonly #deps: UserServiceDeps;

  constructor(deps: UserServiceDeps) {
    this.#deps = deps;
  }

  list(): User[] {
    return this.#deps.users.list().map(publicUser);
  }

  get(id: number): User {
    return publicUser(this.#record(id));
  }

  async create(request: CreateUserRequest): Promise<User> {
    checkPassword(request.password, 'password');
    if (this.#deps.users.byUsername(request.username)) throw new AppError('E_CONFLICT', `The username ${request.username} is taken.`);
    const passwordHash = await hashPassword(request.password);
    // Re-checked after the await: another request may have taken the name meanwhile.
    if (this.#deps.users.byUsername(request.username)) throw new AppError('E_CONFLICT', `The username ${request.username} is taken.`);
    return publicUser(this.#deps.users.create({ username: request.username, passwordHash, role: request.role, mustChangePassword: request.mustChangePassword ?? true }));
  }

  update(id: number, changes: UpdateUserRequest): User {
    const updated = this.#deps.db.transaction(() => {
      const user = this.#record(id);
      const losesAdmin = user.role === 'admin' && !user.disabled && ((changes.role !== undefined && changes.role !== 'admin') || changes.disabled === true);
      if (losesAdmin) this.#assertAnotherAdmin(id, changes.disabled === true ? 'disabled' : 'demoted');
      return this.#deps.users.update(id, changes)!;
    })();
    if (changes.disabled === true) this.#deps.sessions.revokeUser(id);
    return publicUser(updated);
  }

  delete(id: number): User {
    return this.#deps.db.transaction(() => {
      const user = this.#record(id);
      if (user.role === 'admin' && !user.disabled) this.#assertAnotherAdmin(id, 'removed');
      this.#deps.users.delete(id);
      return publicUser(user);
    })();
  }

  /** Admin reset: by default the user must choose a new password at next login. */
  async resetPassword(id: number, password: string, mustChangePassword = true): Promise<User> {
    checkPassword(password, 'password');
    this.#record(id);
    const passwordHash = await hashPassword(password);
    const user = this.#deps.users.update(id, { passwordHash, mustChangePassword });
    if (!user) throw new AppError('E_NOT_FOUND', 'No such user.');
    this.#deps.sessions.revokeUser(id);
    return publicUser(user);
  }

  /** One's own change: needs the current password; ends every other session. */
  async changeOwnPassword(id: number, currentPassword: string, newPassword: string): Promise<User> {
    const user = this.#record(id);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      // Not a 401: the session is fine, the form is not.
      throw new AppError('E_VALIDATION', 'The current password is wrong.', [{ path: '/currentPassword', message: 'is wrong' }]);
    }
    checkPassword(newPassword, 'newPassword');
    if (await verifyPassword(user.passwordHash, newPassword)) {
      throw new AppError('E_VALIDATION', 'The new password must differ from the current one.', [{ path: '/newPassword', message: 'must differ from the current password' }]);
    }
    const updated = this.#deps.users.update(id, { passwordHash: await hashPassword(newPassword), mustChangePassword: false })!;
    this.#deps.sessions.revokeUser(id);
    return publicUser(updated);
  }

  #record(id: number) {
    const user = this.#deps.users.byId(id);
    if (!user) throw new AppError('E_NOT_FOUND', 'No such user.');
    return user;
  }

  #assertAnotherAdmin(id: number, change: string): void {
    const others = this.#deps.users.list().filter((u) => u.id !== id && u.role === 'admin' && !u.disabled);
    if (others.length === 0) throw new AppError('E_CONFLICT', `The last admin cannot be ${change}.`);
  }
}

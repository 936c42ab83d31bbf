import type { FastifyPluginAsync } from 'fastify';
import { userLockoutsRoutes as routes } from '../../../shared/api/users.ts';
import type { ServerContext } from '../context.ts';
import { auditActor } from '../audit/actor.ts';
import { registerRoutes } from '../http/register-route.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import type { UserService } from '../users/service.ts';
import type { LoginLockout } from './login-lockout.ts';

export interface LockoutRoutesOptions {
  ctx: ServerContext;
  lockout: LoginLockout;
  users: UserService;
}

/**
 * `GET /users/lockouts` and `DELETE /users/:id/lockout`: an admin sees who is locked out of
 * signing in and lets a known user back in before the lock lifts on its own (someone kept
 * guessing at the name). Locks on names that are no user are not listed: nobody to let in.
 */
export const lockoutRoutes: FastifyPluginAsync<LockoutRoutesOptions> = async (app, { ctx, lockout, users }) => {
  registerRoutes(app, routes, {
    list: async () => {
      const locks = await lockout.userLocks();
      if (locks.length === 0) return { lockouts: [] };
      // Counts are keyed by the name as typed, lower-cased; usernames are unique case-insensitively.
      const byName = new Map((await users.list()).map((user) => [user.username.toLowerCase(), user]));
      const lockouts = locks.flatMap((lock) => {
        const user = byName.get(lock.username);
        return user ? [{ userId: user.id, username: user.username, address: lock.address, failures: lock.failures, lockedUntil: lock.lockedUntil }] : [];
      });
      lockouts.sort((a, b) => a.username.localeCompare(b.username) || (a.address ?? '').localeCompare(b.address ?? ''));
      return { lockouts };
    },
    clear: async (request) => {
      const user = await users.get(request.params.id);
      // The cleared counts and their entry commit together.
      return transaction(ctx.sql, async () => {
        const cleared = await lockout.clearUser(user.username);
        ctx.audit.record({ ...auditActor(request), action: 'user.unlock', target: `user:${user.id}`, outcome: 'success', details: { username: user.username, cleared } });
        return { userId: user.id, cleared };
      });
    },
  });
};

import type { FastifyPluginAsync } from 'fastify';
import { authRoutes as routes } from '../../../shared/api/auth.ts';
import { AppError } from '../../../shared/errors.ts';
import type { ServerContext } from '../context.ts';
import type { AuthService } from './service.ts';
import { principalOf } from '../http/access.ts';
import { registerRoutes } from '../http/register-route.ts';
import { auditActor } from '../audit/actor.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import type { AuditEntryInput } from '../audit/store.ts';
import type { LoginLockout } from './login-lockout.ts';
import { isWrongCurrentPassword, type UserService } from '../users/service.ts';

export interface AuthRoutesOptions {
  ctx: ServerContext;
  auth: AuthService;
  lockout: LoginLockout;
  users: UserService;
}

export const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (app, { ctx, auth, lockout, users }) => {
  // Per client address, before any password work: brute force costs the attacker, not argon2 on our cores.
  const rateLimit = { max: ctx.config.authRateLimitPerMinute, timeWindow: 60_000 };

  /** Refuses an attempt at a locked username or address (429 with Retry-After). */
  const refuseIfLocked = async (username: string, ip: string, action: string, actor: Pick<AuditEntryInput, 'actor' | 'actorKind'>) => {
    const locked = await lockout.check(username, ip);
    if (!locked) return;
    ctx.audit.record({ ...actor, action, outcome: 'denied', ip, details: { code: 'E_LOCKED_OUT' } });
    throw Object.assign(new AppError('E_LOCKED_OUT', undefined, { retryAfterSeconds: locked.retryAfterSeconds }), { headers: { 'retry-after': String(locked.retryAfterSeconds) } });
  };
  /** Counts a wrong password for the username and the address, auditing the locks it takes. */
  const countFailure = async (username: string, ip: string) => {
    // A lock and its entry commit together (with the count that took it).
    await transaction(ctx.sql, async () => {
      for (const key of await lockout.recordFailure(username, ip)) {
        ctx.audit.record({ actor: null, actorKind: 'system', action: 'auth.lockout', target: key, outcome: 'success', ip, details: { lockoutSeconds: ctx.config.lockoutSeconds } });
      }
    });
  };

  registerRoutes(app, routes, {
    login: async (request) => {
      const { username, password } = request.body;
      await refuseIfLocked(username, request.ip, 'auth.login', { actor: username, actorKind: 'anonymous' });
      try {
        const userId = await auth.verifyLogin(username, password);
        // The session it starts, the failures it forgets and its entry commit together.
        return await transaction(ctx.sql, async () => {
          const pair = await auth.startSession(userId);
          await lockout.recordSuccess(username, request.ip);
          ctx.audit.record({ actor: pair.user.username, actorKind: 'user', action: 'auth.login', outcome: 'success', ip: request.ip });
          return pair;
        });
      } catch (error) {
        ctx.audit.record({ actor: username, actorKind: 'anonymous', action: 'auth.login', outcome: 'failure', ip: request.ip, details: { code: (error as AppError).code } });
        await countFailure(username, request.ip);
        throw error;
      }
    },

    refresh: async (request) => {
      try {
        return await auth.refresh(request.body.refreshToken);
      } catch (error) {
        ctx.audit.record({ actor: null, actorKind: 'anonymous', action: 'auth.refresh', outcome: 'failure', ip: request.ip, details: { code: (error as AppError).code, message: (error as Error).message } });
        throw error;
      }
    },

    logout: async (request) => {
      // The session's end and its entry commit together.
      await transaction(ctx.sql, async () => {
        const username = await auth.logout(request.body.refreshToken);
        ctx.audit.record({ actor: username, actorKind: username ? 'user' : 'anonymous', action: 'auth.logout', outcome: username ? 'success' : 'failure', ip: request.ip });
      });
      return null;
    },

    me: async (request) => users.get(principalOf(request).userId),

    // Ends every session of the user (other devices included) and answers with a fresh one for this client.
    changePassword: async (request) => {
      const principal = principalOf(request);
      if (principal.kind !== 'user') throw new AppError('E_FORBIDDEN', 'An API key cannot change a password.');
      // The current password is checked like a login's: with a stolen access token this was
      // a way to guess it without end, past the lockout (and the rate limit, below).
      await refuseIfLocked(principal.name, request.ip, 'auth.password_change', auditActor(request));
      try {
        // The new password, the sessions it ends, this client's new one and the entry commit together.
        return await users.changeOwnPassword(principal.userId, request.body.currentPassword, request.body.newPassword, async () => {
          await lockout.recordSuccess(principal.name, request.ip);
          ctx.audit.record({ ...auditActor(request), action: 'auth.password_change', target: `user:${principal.userId}`, outcome: 'success' });
          return auth.startSession(principal.userId);
        });
      } catch (error) {
        ctx.audit.record({ ...auditActor(request), action: 'auth.password_change', target: `user:${principal.userId}`, outcome: 'failure', details: { message: (error as Error).message } });
        if (isWrongCurrentPassword(error)) await countFailure(principal.name, request.ip);
        throw error;
      }
    },
  }, { login: { rateLimit }, refresh: { rateLimit }, logout: { rateLimit }, changePassword: { rateLimit } });
};

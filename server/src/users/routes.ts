import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { usersRoutes as routes } from '../../../shared/api/users.ts';
import type { ServerContext } from '../context.ts';
import { auditActor } from '../audit/actor.ts';
import { registerRoutes } from '../http/register-route.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import type { UserService } from './service.ts';

export interface UserRoutesOptions {
  ctx: ServerContext;
  users: UserService;
}

/** Admin user management (`users:manage`); every change is audited, refused ones too. */
export const userRoutes: FastifyPluginAsync<UserRoutesOptions> = async (app, { ctx, users }) => {
  async function audited<T>(request: FastifyRequest, action: string, target: string | null, details: Record<string, unknown>, work: () => T | Promise<T>): Promise<T> {
    try {
      // The change and its entry commit together (db/sql/transaction-scope.ts).
      return await transaction(ctx.sql, async () => {
        const result = await work();
        ctx.audit.record({ ...auditActor(request), action, target, outcome: 'success', details });
        return result;
      });
    } catch (error) {
      ctx.audit.record({ ...auditActor(request), action, target, outcome: 'failure', details: { ...details, message: (error as Error).message } });
      throw error;
    }
  }

  registerRoutes(app, routes, {
    list: async () => ({ users: await users.list() }),
    create: async (request) => {
      const { username, role } = request.body;
      return audited(request, 'user.create', `user:${username}`, { role }, () => users.create(request.body));
    },
    get: async (request) => users.get(request.params.id),
    update: async (request) => audited(request, 'user.update', `user:${request.params.id}`, { ...request.body }, () => users.update(request.params.id, request.body)),
    remove: async (request) => audited(request, 'user.delete', `user:${request.params.id}`, {}, () => users.delete(request.params.id)),
    resetPassword: async (request) => {
      const { id } = request.params;
      const { password, mustChangePassword } = request.body;
      return audited(request, 'user.password_reset', `user:${id}`, {}, () => users.resetPassword(id, password, mustChangePassword));
    },
  });
};

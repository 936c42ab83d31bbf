import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CreateUserRequestSchema,
  ResetPasswordRequestSchema,
  UpdateUserRequestSchema,
  UserIdParamsSchema,
  UserListSchema,
  UserSchema,
} from '../../../shared/api/users.ts';
import type { ServerContext } from '../context.ts';
import { auditActor } from '../audit/actor.ts';
import type { UserService } from './service.ts';

export interface UserRoutesOptions {
  ctx: ServerContext;
  users: UserService;
}

/** Admin user management (`users:manage`); every change is audited, refused ones too. */
export const userRoutes: FastifyPluginAsync<UserRoutesOptions> = async (fastify, { ctx, users }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  async function audited<T>(request: FastifyRequest, action: string, target: string | null, details: Record<string, unknown>, work: () => T | Promise<T>): Promise<T> {
    try {
      const result = await work();
      ctx.audit.record({ ...auditActor(request), action, target, outcome: 'success', details });
      return result;
    } catch (error) {
      ctx.audit.record({ ...auditActor(request), action, target, outcome: 'failure', details: { ...details, message: (error as Error).message } });
      throw error;
    }
  }

  app.get('/users', {
    config: { access: 'users:manage' },
    schema: { tags: ['users'], response: { 200: UserListSchema } },
  }, async () => ({ users: users.list() }));

  app.post('/users', {
    config: { access: 'users:manage' },
    schema: { tags: ['users'], body: CreateUserRequestSchema, response: { 201: UserSchema } },
  }, async (request, reply) => {
    const { username, role } = request.body;
    const user = await audited(request, 'user.create', `user:${username}`, { role }, () => users.create(request.body));
    return reply.status(201).send(user);
  });

  app.get('/users/:id', {
    config: { access: 'users:manage' },
    schema: { tags: ['users'], params: UserIdParamsSchema, response: { 200: UserSchema } },
  }, async (request) => users.get(request.params.id));

  app.patch('/users/:id', {
    config: { access: 'users:manage' },
    schema: { tags: ['users'], params: UserIdParamsSchema, body: UpdateUserRequestSchema, response: { 200: UserSchema } },
  }, async (request) => audited(request, 'user.update', `user:${request.params.id}`, { ...request.body }, () => users.update(request.params.id, request.body)));

  app.delete('/users/:id', {
    config: { access: 'users:manage' },
    schema: { tags: ['users'], params: UserIdParamsSchema, response: { 200: UserSchema } },
  }, async (request) => audited(request, 'user.delete', `user:${request.params.id}`, {}, () => users.delete(request.params.id)));

  app.post('/users/:id/password', {
    config: { access: 'users:manage' },
    schema: { tags: ['users'], params: UserIdParamsSchema, body: ResetPasswordRequestSchema, response: { 200: UserSchema } },
  }, async (request) => {
    const { id } = request.params;
    const { password, mustChangePassword } = request.body;
    return audited(request, 'user.password_reset', `user:${id}`, {}, () => users.resetPassword(id, password, mustChangePassword));
  });
};

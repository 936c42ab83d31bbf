import type { FastifyPluginAsync } from 'fastify';
import { chatopsRoutes as routes } from '../../../shared/api/chatops.ts';
import type { ParseResultSchema } from '../../../shared/api/chatops.ts';
import type { Static } from 'typebox';
import { AppError } from '../../../shared/errors.ts';
import { principalOf } from '../http/access.ts';
import { registerRoutes } from '../http/register-route.ts';
import type { UserRepository } from '../users/repository.ts';
import type { AuditLog } from '../audit/store.ts';
import type { SqlDatabase } from '../db/sql/open.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import { chatUserOf } from './chat-user.ts';
import type { ChatService } from './service.ts';
import type { ChatStore } from './store.ts';

export interface ChatRoutesOptions {
  service: ChatService;
  store: ChatStore;
  users: Pick<UserRepository, 'byId' | 'byUsername'>;
  audit: AuditLog;
  /** The query layer: a mapping change and its audit entry commit in one transaction. */
  sql: SqlDatabase;
  now: () => number;
}

/** The console's chat (parse, ask, confirm, history) and the admin's chat user mappings. */
export const chatRoutes: FastifyPluginAsync<ChatRoutesOptions> = async (app, { service, store, users, audit, sql, now }) => {
  registerRoutes(app, routes, {
    parse: async (request) => (await service.parse(principalOf(request), request.body.text, request.body.utcOffsetMinutes)) as Static<typeof ParseResultSchema>,

    send: async (request) => service.handle(chatUserOf(principalOf(request), request.ip), request.body),

    history: async (request) => ({ items: await service.history(chatUserOf(principalOf(request), request.ip)) }),

    mappings: async () => store.mappings(),

    createMapping: async (request) => {
      const principal = principalOf(request);
      const { platform, teamId = '', chatUserId, username } = request.body;
      const user = await users.byUsername(username);
      if (!user) throw new AppError('E_NOT_FOUND', `No user ${username}.`);
      // The mapping and its audit entry commit together (db/sql/transaction-scope.ts).
      return transaction(sql, async () => {
        const created = await store.createMapping({ platform, teamId, chatUserId, userId: user.id, createdBy: principal.name, createdAt: now() });
        if (!created) throw new AppError('E_CONFLICT', `${platform} user ${chatUserId} is already mapped; remove that mapping first.`);
        audit.record({ actor: principal.name, actorKind: principal.kind, action: 'chat.mapping.create', target: `${platform}:${teamId}:${chatUserId}`, outcome: 'success', ip: request.ip, details: { username, mappingId: created.id } });
        return created;
      });
    },

    removeMapping: async (request) => {
      const principal = principalOf(request);
      await transaction(sql, async () => {
        const mapping = await store.mappingById(request.params.id);
        if (!mapping || !(await store.removeMapping(request.params.id))) throw new AppError('E_NOT_FOUND', `No chat user mapping ${request.params.id}.`);
        audit.record({ actor: principal.name, actorKind: principal.kind, action: 'chat.mapping.remove', target: `${mapping.platform}:${mapping.teamId}:${mapping.chatUserId}`, outcome: 'success', ip: request.ip, details: { username: mapping.username } });
      });
    },
  });
};

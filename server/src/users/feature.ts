import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { UserRepository } from './repository.ts';
import { userRoutes } from './routes.ts';
import { UserService, type UserSessions } from './service.ts';
import { UserStore } from './store.ts';

export interface UsersDeps {
  /** Lent by auth: a disabled user or a changed password ends every session. */
  sessions: UserSessions;
}

export interface UsersService {
  /** The accounts, on the shared query layer (SQLite or PostgreSQL). */
  repository: UserRepository;
  /** The SQLite copy of users (PostgreSQL: kept up to date, but no feature reads it since ChatOps moved). */
  store: UserStore;
  service: UserService;
}

/** Accounts and their passwords; administration under /users. */
export function createUsersFeature(ctx: ServerContext, deps: UsersDeps): Feature<UsersService> {
  const store = new UserStore(ctx.db);
  const repository = new UserRepository(ctx.sql, store, ctx.now);
  const service = new UserService({ sql: ctx.sql, users: repository, sessions: deps.sessions });
  return {
    service: { repository, store, service },
    plugin: async (app) => {
      await repository.syncMirror();
      await app.register(userRoutes, { ctx, users: service });
    },
  };
}

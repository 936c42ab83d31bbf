import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { userRoutes } from './routes.ts';
import { UserService, type UserSessions } from './service.ts';
import { UserStore } from './store.ts';

export interface UsersDeps {
  /** Lent by auth: a disabled user or a changed password ends every session. */
  sessions: UserSessions;
}

export interface UsersService {
  store: UserStore;
  service: UserService;
}

/** Accounts and their passwords; administration under /users. */
export function createUsersFeature(ctx: ServerContext, deps: UsersDeps): Feature<UsersService> {
  const store = new UserStore(ctx.db, ctx.now);
  const service = new UserService({ db: ctx.db, users: store, sessions: deps.sessions });
  return {
    service: { store, service },
    plugin: async (app) => {
      await app.register(userRoutes, { ctx, users: service });
    },
  };
}

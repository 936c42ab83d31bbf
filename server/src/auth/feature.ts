import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import type { UsersService } from '../users/feature.ts';
import { AccessTokens } from './access-tokens.ts';
import { LoginLockout } from './login-lockout.ts';
import type { RefreshTokens } from './refresh-tokens.ts';
import { authRoutes } from './routes.ts';
import { lockoutRoutes } from './lockout-routes.ts';
import { AuthService } from './service.ts';
import { signingKeyRoutes } from './signing-key-routes.ts';
import { SigningKeyStore } from './signing-keys.ts';
import type { CredentialState } from './credential-state.ts';

export interface AuthDeps {
  users: UsersService;
  /** Built first, because users is lent its `revokeUser` before auth exists. */
  refreshTokens: RefreshTokens;
  /** Access token lifetime, seconds. */
  accessTokenTtlSeconds?: number;
  /** The clock access tokens are issued and checked against (real time by default). */
  tokenClock?: () => number;
  /** Where changes to the credential tables are seen (SQLite), so principals can be remembered between them. */
  credentials?: CredentialState;
}

/** Sessions: login with lockout, refresh-token families, JWT access tokens and their signing keys. */
export function createAuthFeature(ctx: ServerContext, deps: AuthDeps): Feature<AuthService> {
  const { config } = ctx;
  // Real time, not ctx.now: it paces re-reading keys rotated on another replica.
  const signingKeys = new SigningKeyStore(ctx.sql, config.dataDir);
  const accessTokens = new AccessTokens(signingKeys, deps.accessTokenTtlSeconds, deps.tokenClock);
  const auth = new AuthService({ users: deps.users.repository, accessTokens, refreshTokens: deps.refreshTokens, ...(deps.credentials ? { credentials: deps.credentials } : {}) });
  const lockout = new LoginLockout(
    ctx.sql,
    { maxFailuresPerUser: config.lockoutFailuresPerUser, maxFailuresPerIp: config.lockoutFailuresPerIp, lockoutMs: config.lockoutSeconds * 1000 },
    ctx.now,
  );
  return {
    service: auth,
    plugin: async (app) => {
      await signingKeys.ready();
      await app.register(authRoutes, { ctx, auth, lockout, users: deps.users.service });
      await app.register(signingKeyRoutes, { ctx, keys: signingKeys });
      await app.register(lockoutRoutes, { ctx, lockout, users: deps.users.service });
    },
  };
}

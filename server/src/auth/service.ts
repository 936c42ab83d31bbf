import { AppError } from '../../../shared/errors.ts';
import type { TokenPair } from '../../../shared/api/auth.ts';
import type { UserRepository } from '../users/repository.ts';
import { publicUser } from '../users/store.ts';
import type { AccessTokens } from './access-tokens.ts';
import type { RefreshTokens } from './refresh-tokens.ts';
import type { Principal } from './principal.ts';
import { burnVerification, verifyPassword } from '../users/passwords.ts';
import { CredentialMemory, UNTRACKED, type CredentialState } from './credential-state.ts';

export interface AuthServiceDeps {
  users: UserRepository;
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokens;
  /** Where changes to users, sessions and signing keys are seen (SQLite): principals are remembered between them. */
  credentials?: CredentialState;
}

/** Login, refresh and token verification; HTTP-free so it is testable on its own. */
export class AuthService {
  readonly #deps: AuthServiceDeps;
  /**
   * The principal of each access token already checked, kept until the token expires or a
   * credential table changes (credential-state.ts): verifying the token and reading its
   * session and user cost ~120 µs of CPU per request, most of a proxied query's own work
   * outside the socket writes. Any logout, revocation, role change, disabling or key
   * rotation changes the tables, so the next request checks afresh.
   */
  readonly #principals: CredentialMemory<Principal>;

  constructor(deps: AuthServiceDeps) {
    this.#deps = deps;
    this.#principals = new CredentialMemory(deps.credentials ?? UNTRACKED);
  }

  /** Same error, and the same argon2 work, whether the user is unknown, disabled or the password wrong. */
  async login(username: string, password: string): Promise<TokenPair> {
    return this.startSession(await this.verifyLogin(username, password));
  }

  /** The id of the user a login's password proves (the argon2 work, before any write). */
  async verifyLogin(username: string, password: string): Promise<number> {
    const user = await this.#deps.users.byUsername(username);
    const ok = user ? await verifyPassword(user.passwordHash, password) : await burnVerification(password);
    if (!user || !ok || user.disabled) throw new AppError('E_AUTH_INVALID');
    return user.id;
  }

  /** A new session (refresh-token family) for a user already proven, e.g. after a password change. */
  async startSession(userId: number): Promise<TokenPair> {
    const { refreshToken, sessionId } = await this.#deps.refreshTokens.startSession(userId);
    return this.#issue(userId, refreshToken, sessionId);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const { userId, refreshToken: next, sessionId } = await this.#deps.refreshTokens.rotate(refreshToken);
    const user = await this.#deps.users.byId(userId);
    if (!user || user.disabled) {
      await this.#deps.refreshTokens.revokeUser(userId);
      throw new AppError('E_TOKEN_INVALID');
    }
    return this.#issue(userId, next, sessionId);
  }

  /** Ends the session of a refresh token; returns whose it was (null when unknown). */
  async logout(refreshToken: string): Promise<string | null> {
    const userId = await this.#deps.refreshTokens.revoke(refreshToken);
    return userId === null ? null : ((await this.#deps.users.byId(userId))?.username ?? null);
  }

  /**
   * JWT -> principal; the user and the session are re-read (or remembered while no
   * credential table has changed since) so that disabling, a role change, logout, a
   * password change or refresh-token reuse applies at once.
   */
  authenticateJwt(token: string): Principal | Promise<Principal> {
    return this.#principals.get(token, this.#deps.accessTokens.now()) ?? this.#authenticateJwt(token);
  }

  async #authenticateJwt(token: string): Promise<Principal> {
    // Taken before the reads: a change while they run leaves nothing remembered.
    const generation = this.#principals.generation;
    const { claims, expiresAtMs } = await this.#deps.accessTokens.verifyWithExpiry(token);
    const principal = await this.authenticateSession(claims.userId, claims.sessionId);
    this.#principals.remember(token, principal, generation, expiresAtMs);
    return principal;
  }

  /** The principal of a live session of an enabled user (also for stream tickets, which name their session). */
  async authenticateSession(userId: number, sessionId: string): Promise<Principal> {
    const { user, live } = await this.#deps.refreshTokens.sessionUser(sessionId, userId);
    if (!user || user.disabled) throw new AppError('E_TOKEN_INVALID');
    if (!live) throw new AppError('E_TOKEN_INVALID', 'This session has ended; sign in again.');
    return { kind: 'user', userId: user.id, name: user.username, role: user.role, scopes: null, mustChangePassword: user.mustChangePassword, sessionId };
  }

  async #issue(userId: number, refreshToken: string, sessionId: string): Promise<TokenPair> {
    const user = (await this.#deps.users.byId(userId))!;
    const accessToken = await this.#deps.accessTokens.issue({
      userId: user.id,
      username: user.username,
      role: user.role,
      mustChangePassword: user.mustChangePassword,
      sessionId,
    });
    return { accessToken, refreshToken, expiresIn: this.#deps.accessTokens.ttlSeconds, user: publicUser(user) };
  }
}

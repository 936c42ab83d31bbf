import type { AxiosInstance, Method } from 'axios';
import { AppError } from '../../../shared/errors.ts';
import { authRoutes, type TokenPair, type User } from '../../../shared/api/auth.ts';
import { compactQuery, routePath, type ApiRequest } from '../../../shared/api/client.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import { apiRouteOf, assertApiPath } from './api-path.ts';
import { toAppError } from './map-error.ts';
import { DEFAULT_RETRY, isTransient, withRetry, type RetryOptions } from './retry.ts';

export type SessionState = 'signed-out' | 'signed-in' | 'unreachable';
export type SessionMethod = 'password' | 'apiKey';

export interface SessionStatus {
  state: SessionState;
  method: SessionMethod | null;
  user: User | null;
}

export interface ServerSessionOptions {
  profileId: string;
  http: AxiosInstance;
  credentials: CredentialStore;
  now?: () => number;
  retry?: RetryOptions;
  /** Told whenever the state, method or user changes. */
  onChange?: (status: SessionStatus) => void;
}

interface AccessToken {
  token: string;
  expiresAt: number;
  lifetimeMs: number;
}

/** Methods that are safe to send again: they change nothing on the server. */
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** Answers that mean "these credentials are no good", as opposed to "not allowed". */
const REJECTED_CREDENTIALS: ReadonlySet<string> = new Set(['E_AUTH_EXPIRED', 'E_TOKEN_INVALID', 'E_AUTH_REQUIRED']);

/**
 * Answers after which a stored credential, or the session, is no good until someone signs
 * in again. Anything else the server answers (rate limited, out of storage, failing) says
 * "not now" of a credential that may well still be valid: it is kept and tried again.
 */
const REFRESH_REFUSED: ReadonlySet<string> = new Set([...REJECTED_CREDENTIALS, 'E_VALIDATION']);
const SIGNED_OUT_BY: ReadonlySet<string> = new Set([...REFRESH_REFUSED, 'E_AUTH_INVALID', 'E_PASSWORD_CHANGE_REQUIRED', 'E_LOCKED_OUT', 'E_FORBIDDEN']);

/** Token endpoints only main may call: their answers carry secrets. */
const SESSION_PATHS: ReadonlySet<string> = new Set([authRoutes.login, authRoutes.refresh, authRoutes.logout].map((route) => routePath(route)));
const PASSWORD_PATH = routePath(authRoutes.changePassword);

function isTokenPair(value: unknown): value is TokenPair {
  const pair = value as Partial<TokenPair> | null;
  return typeof pair?.accessToken === 'string' && typeof pair.refreshToken === 'string' && typeof pair.user === 'object';
}

/** Refresh this long before expiry: a quarter of the lifetime, at most a minute. */
export function refreshMargin(lifetimeMs: number): number {
  return Math.min(60_000, lifetimeMs / 4);
}

/**
 * The signed-in session with one server, owned by main. The access token stays in
 * memory; the refresh token (rotated on every refresh), an API key, or a remembered
 * password live in the CredentialStore. Every renderer API call goes through
 * `request()`, which refreshes before expiry, retries idempotent calls on transient
 * failures with backoff, and maps every failure to the error catalogue.
 */
export class ServerSession {
  private readonly profileId: string;
  /** The profile's axios instance (base URL, TLS trust), shared with its event stream. */
  readonly http: AxiosInstance;
  private readonly credentials: CredentialStore;
  private readonly now: () => number;
  private readonly retry: RetryOptions;
  private readonly onChange: (status: SessionStatus) => void;
  private current: SessionStatus = { state: 'signed-out', method: null, user: null };
  private access: AccessToken | null = null;
  private apiKey: string | null = null;
  /** Kept in memory too: with no keychain the session still lasts until the app quits. */
  private refreshToken: string | null = null;
  private username: string | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(options: ServerSessionOptions) {
    this.profileId = options.profileId;
    this.http = options.http;
    this.credentials = options.credentials;
    this.now = options.now ?? Date.now;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.onChange = options.onChange ?? (() => {});
  }

  status(): SessionStatus {
    return { ...this.current };
  }

  async loginWithPassword(username: string, password: string, rememberPassword: boolean): Promise<SessionStatus> {
    const pair = await this.post<TokenPair>(routePath(authRoutes.login), { username, password });
    this.username = username;
    this.apiKey = null;
    await this.keep(() => this.credentials.delete(this.profileId, 'apiKey'));
    if (rememberPassword && this.credentials.backend !== 'unavailable') await this.keep(() => this.credentials.set(this.profileId, 'password', password));
    else await this.keep(() => this.credentials.delete(this.profileId, 'password'));
    await this.adopt(pair);
    return this.status();
  }

  async loginWithApiKey(apiKey: string): Promise<SessionStatus> {
    const user = await this.fetchMe(apiKey);
    this.apiKey = apiKey;
    this.access = null;
    this.refreshToken = null;
    await this.keep(() => this.credentials.delete(this.profileId, 'refreshToken'));
    await this.keep(() => this.credentials.delete(this.profileId, 'password'));
    await this.keep(() => this.credentials.set(this.profileId, 'apiKey', apiKey));
    this.update({ state: 'signed-in', method: 'apiKey', user });
    return this.status();
  }

  /**
   * Picks up a stored session at start-up or on selecting the profile: an API key, else
   * the refresh token, else a remembered password. An unreachable server leaves the
   * credentials in place and the state `unreachable`.
   */
  async resume(username: string | null): Promise<SessionStatus> {
    this.username = username;
    try {
      const apiKey = await this.credentials.get(this.profileId, 'apiKey');
      if (apiKey) {
        this.apiKey = apiKey;
        this.update({ state: 'signed-in', method: 'apiKey', user: await this.fetchMe(apiKey) });
        return this.status();
      }
      this.refreshToken = await this.credentials.get(this.profileId, 'refreshToken');
      if (this.refreshToken || (await this.credentials.get(this.profileId, 'password'))) await this.refresh();
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code === 'E_KEYCHAIN_UNAVAILABLE') return this.status();
      // Refused credentials sign out; a server that cannot answer now (down, rate limiting,
      // out of storage) leaves them stored, to be tried again like an unreachable one.
      if (isTransient(appError) || !SIGNED_OUT_BY.has(appError.code)) this.update({ ...this.current, state: 'unreachable' });
      else this.update({ state: 'signed-out', method: null, user: null });
    }
    return this.status();
  }

  /** A bearer token valid for a while yet (for the event stream connection). */
  async bearer(): Promise<string> {
    if (this.apiKey) return this.apiKey;
    if (!this.access || this.now() >= this.access.expiresAt - refreshMargin(this.access.lifetimeMs)) await this.refresh();
    if (!this.access) throw new AppError('E_AUTH_REQUIRED');
    return this.access.token;
  }

  async request(request: ApiRequest): Promise<unknown> {
    const path = assertApiPath(request.path);
    // Compared as the server routes it: an escaped path (`auth/%6cogin`) reaches the same route.
    const route = apiRouteOf(path);
    if (SESSION_PATHS.has(route)) throw new AppError('E_FORBIDDEN', 'Sessions are managed by the desktop host: use auth.login and auth.logout.');
    const value = await this.send(request, path);
    if (isTokenPair(value)) {
      // No answer hands the renderer a token, whatever route gave it.
      // A password change answers a fresh session: main keeps it, the renderer gets no token.
      if (route === PASSWORD_PATH && this.current.method === 'password' && this.username === value.user.username) {
        await this.adopt(value);
        const newPassword = (request.body as { newPassword?: unknown } | undefined)?.newPassword;
        if (typeof newPassword === 'string') {
          await this.keep(async () => {
            if ((await this.credentials.get(this.profileId, 'password')) !== null) await this.credentials.set(this.profileId, 'password', newPassword);
          });
        }
      }
      return { user: value.user, expiresIn: value.expiresIn };
    }
    return value;
  }

  private async send(request: ApiRequest, path: string): Promise<unknown> {
    const attempt = async (): Promise<unknown> => {
      const response = await this.http.request({
        method: request.method as Method,
        url: path,
        params: compactQuery(request.query),
        data: request.body,
        headers: { authorization: `Bearer ${await this.bearer()}` },
      });
      return response.status === 204 || response.data === '' ? null : response.data;
    };
    const sendOnce = async (): Promise<unknown> => {
      try {
        return await attempt();
      } catch (raw) {
        const error = toAppError(raw);
        if (!REJECTED_CREDENTIALS.has(error.code)) throw error;
        if (this.apiKey) {
          // A revoked or deleted key never works again.
          await this.forgetApiKey();
          throw error;
        }
        // The server judged the token expired before our clock did (clock skew), or no longer
        // accepts it (keys rotated): renew once through the refresh token.
        this.access = null;
        return attempt();
      }
    };
    const shouldRetry = IDEMPOTENT.has(request.method) ? isTransient : () => false;
    try {
      const value = await withRetry(sendOnce, shouldRetry, this.retry, toAppError);
      if (this.current.state === 'unreachable') this.update({ ...this.current, state: 'signed-in' });
      return value;
    } catch (error) {
      const appError = toAppError(error);
      if (isTransient(appError) && this.current.state === 'signed-in') this.update({ ...this.current, state: 'unreachable' });
      throw appError;
    }
  }

  private async forgetApiKey(): Promise<void> {
    this.apiKey = null;
    this.update({ state: 'signed-out', method: null, user: null });
    await this.keep(() => this.credentials.delete(this.profileId, 'apiKey'));
  }

  /**
   * Revokes the refresh token on the server (best effort) and forgets every stored secret
   * of the session. Signed out in any case; a keychain that refuses to delete the stored
   * secrets is then reported (E_KEYCHAIN_UNAVAILABLE), since they are still there.
   */
  async logout(): Promise<SessionStatus> {
    const refreshToken = this.refreshToken;
    this.access = null;
    this.refreshToken = null;
    this.apiKey = null;
    if (refreshToken) await this.post(routePath(authRoutes.logout), { refreshToken }).catch(() => undefined);
    this.update({ state: 'signed-out', method: null, user: null });
    let refused: AppError | undefined;
    for (const kind of ['refreshToken', 'password', 'apiKey'] as const) {
      await this.credentials.delete(this.profileId, kind).catch((error: unknown) => {
        refused ??= toAppError(error);
      });
    }
    if (refused) {
      throw new AppError(refused.code === 'E_KEYCHAIN_UNAVAILABLE' ? 'E_KEYCHAIN_UNAVAILABLE' : 'E_INTERNAL', 'Signed out, but the stored secrets of this server could not be deleted from the keychain.');
    }
    return this.status();
  }

  /** One refresh at a time; concurrent callers share it (a rotated token is single-use). */
  private refresh(): Promise<void> {
    this.refreshing ??= this.renew().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async renew(): Promise<void> {
    if (this.refreshToken) {
      try {
        await this.adopt(await this.post<TokenPair>(routePath(authRoutes.refresh), { refreshToken: this.refreshToken }));
        return;
      } catch (raw) {
        const error = toAppError(raw);
        // Down, rate limited, out of storage, failing: the token may be good; keep it for the next try.
        if (isTransient(error) || !REFRESH_REFUSED.has(error.code)) throw error;
        // Revoked or expired: the stored token is useless from now on.
        this.refreshToken = null;
        await this.keep(() => this.credentials.delete(this.profileId, 'refreshToken'));
      }
    }
    // A keychain that refuses to answer holds no usable password for this purpose.
    const password = this.username
      ? await this.credentials.get(this.profileId, 'password').catch((error: unknown) => {
          if (toAppError(error).code !== 'E_KEYCHAIN_UNAVAILABLE') throw error;
          return null;
        })
      : null;
    if (this.username && password) {
      await this.adopt(await this.post<TokenPair>(routePath(authRoutes.login), { username: this.username, password }));
      return;
    }
    this.access = null;
    this.update({ state: 'signed-out', method: null, user: null });
    throw new AppError('E_AUTH_REQUIRED', 'The session has ended; sign in again.');
  }

  private async adopt(pair: TokenPair): Promise<void> {
    const lifetimeMs = pair.expiresIn * 1000;
    this.access = { token: pair.accessToken, expiresAt: this.now() + lifetimeMs, lifetimeMs };
    this.refreshToken = pair.refreshToken;
    await this.keep(() => this.credentials.set(this.profileId, 'refreshToken', pair.refreshToken));
    this.update({ state: 'signed-in', method: 'password', user: pair.user });
  }

  /**
   * A keychain write or delete of a sign-in: with no keychain, or one that refuses (locked,
   * its service gone since start-up), the session lives in memory until the app quits
   * rather than fail a sign-in the server accepted.
   */
  private async keep(operation: () => Promise<void>): Promise<void> {
    try {
      await operation();
    } catch (error) {
      if (toAppError(error).code !== 'E_KEYCHAIN_UNAVAILABLE') throw error;
    }
  }

  private async fetchMe(token: string): Promise<User> {
    return withRetry(
      async () => (await this.http.get<User>(routePath(authRoutes.me), { headers: { authorization: `Bearer ${token}` } })).data,
      isTransient,
      this.retry,
      toAppError,
    );
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    try {
      return (await this.http.post<T>(path, body)).data;
    } catch (error) {
      throw toAppError(error);
    }
  }

  private update(next: SessionStatus): void {
    const changed = next.state !== this.current.state || next.method !== this.current.method || next.user?.id !== this.current.user?.id;
    this.current = next;
    if (changed) this.onChange(this.status());
  }
}

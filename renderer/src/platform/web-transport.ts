import axios, { type AxiosInstance } from 'axios';
import { callRoute, queryString, routePath, type ApiRequest, type Transport } from '../../../shared/api/client.ts';
import { authRoutes, type TokenPair } from '../../../shared/api/auth.ts';
import { AppError } from '../../../shared/errors.ts';
import type { TokenStore } from './token-store.ts';
import { toAppError } from './to-app-error.ts';

/** Codes after which a fresh access token may succeed. */
const RENEWABLE = new Set(['E_AUTH_EXPIRED', 'E_TOKEN_INVALID', 'E_AUTH_REQUIRED']);
const NO_RENEWAL_PATHS = [authRoutes.login, authRoutes.refresh, authRoutes.logout].map((route) => routePath(route));

export interface WebTransport {
  transport: Transport;
  /** Exchanges the stored refresh token for a new pair; concurrent callers share one request. */
  renew(): Promise<TokenPair>;
}

export interface WebTransportOptions {
  baseURL: string;
  tokens: TokenStore;
  /** The refresh token was refused: the session is over. */
  onSessionEnded(): void;
  timeoutMs?: number;
}

/** HTTP to the server the page came from, with the access token attached and renewed on expiry. */
export function createWebTransport({ baseURL, tokens, onSessionEnded, timeoutMs = 30_000 }: WebTransportOptions): WebTransport {
  const http: AxiosInstance = axios.create({
    baseURL,
    timeout: timeoutMs,
    headers: { accept: 'application/json' },
    // We authenticate with a bearer token, never a cookie: there is no XSRF cookie to echo.
    // Left on, axios reads it before every same-origin request, in Chromium through the
    // asynchronous Cookie Store API, so each request waits for a free main thread before
    // it is sent: after a sign-in, behind the console's whole first render (0.6-1.4 s
    // measured in bench:ui) instead of going out at once.
    withXSRFToken: false,
  });
  let renewal: Promise<TokenPair> | null = null;

  async function send(request: ApiRequest): Promise<unknown> {
    const token = tokens.accessToken();
    const response = await http.request({
      method: request.method,
      url: request.path + queryString(request.query),
      data: request.body,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return response.status === 204 ? null : response.data;
  }

  function renew(): Promise<TokenPair> {
    renewal ??= (async () => {
      const refreshToken = tokens.refreshToken();
      if (!refreshToken) throw new AppError('E_AUTH_REQUIRED');
      try {
        const pair = await callRoute(send, authRoutes.refresh, { body: { refreshToken } });
        tokens.save(pair);
        return pair;
      } catch (error) {
        const appError = toAppError(error);
        // Only a refused token ends the session; a network failure leaves it for a later try.
        if (appError.status === 401) {
          tokens.clear();
          onSessionEnded();
        }
        throw appError;
      }
    })().finally(() => {
      renewal = null;
    });
    return renewal;
  }

  async function transport(request: ApiRequest): Promise<unknown> {
    try {
      return await send(request);
    } catch (error) {
      const appError = toAppError(error);
      const renewable = RENEWABLE.has(appError.code) && tokens.refreshToken() !== null && !NO_RENEWAL_PATHS.includes(request.path);
      if (!renewable) throw appError;
      await renew();
      try {
        return await send(request);
      } catch (retryError) {
        throw toAppError(retryError);
      }
    }
  }

  return { transport, renew };
}

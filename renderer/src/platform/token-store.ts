import type { TokenPair } from '../../../shared/api/auth.ts';

/** sessionStorage key of the web console's refresh token. */
export const REFRESH_TOKEN_KEY = 'smartcloudops.refreshToken';

/**
 * Web console credentials. The access token lives in memory only (gone on reload, never
 * readable from storage by another script run later); the refresh token is kept in
 * sessionStorage so a reload of the tab stays signed in, yet it dies with the tab and is
 * never shared with other tabs or written to disk like localStorage would be.
 */
export interface TokenStore {
  accessToken(): string | null;
  refreshToken(): string | null;
  save(pair: Pick<TokenPair, 'accessToken' | 'refreshToken'>): void;
  clear(): void;
}

export function createTokenStore(storage: Storage | null = globalThis.sessionStorage ?? null): TokenStore {
  let access: string | null = null;
  return {
    accessToken: () => access,
    refreshToken: () => storage?.getItem(REFRESH_TOKEN_KEY) ?? null,
    save(pair) {
      access = pair.accessToken;
      storage?.setItem(REFRESH_TOKEN_KEY, pair.refreshToken);
    },
    clear() {
      access = null;
      storage?.removeItem(REFRESH_TOKEN_KEY);
    },
  };
}

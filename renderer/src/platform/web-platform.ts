import { createApiClient } from '../../../shared/api/client.ts';
import type { TokenPair } from '../../../shared/api/auth.ts';
import type { Platform, SessionSnapshot } from './types.ts';
import { createTokenStore, type TokenStore } from './token-store.ts';
import { createWebTransport } from './web-transport.ts';
import { openEventSourceStream } from './event-source-stream.ts';

/** The browser: talks to the server that served the page. */
export function createWebPlatform(baseURL: string = window.location.origin, tokens: TokenStore = createTokenStore()): Platform {
  const listeners = new Set<(session: SessionSnapshot) => void>();
  const emit = (session: SessionSnapshot) => listeners.forEach((listener) => listener(session));
  const web = createWebTransport({ baseURL, tokens, onSessionEnded: () => emit({ state: 'signed-out' }) });
  const api = createApiClient(web.transport);
  const signedIn = (pair: TokenPair): SessionSnapshot => {
    tokens.save(pair);
    return { state: 'signed-in', user: pair.user };
  };

  return {
    kind: 'web',
    api,
    bridge: null,
    async restoreSession() {
      if (!tokens.refreshToken()) return { state: 'signed-out' };
      try {
        return { state: 'signed-in', user: (await web.renew()).user };
      } catch {
        return { state: 'signed-out' };
      }
    },
    async signIn(username, password) {
      return signedIn(await api.auth.login({ body: { username, password } }));
    },
    async changePassword(currentPassword, newPassword) {
      return signedIn(await api.auth.changePassword({ body: { currentPassword, newPassword } }));
    },
    async signOut() {
      const refreshToken = tokens.refreshToken();
      tokens.clear();
      if (refreshToken) await api.auth.logout({ body: { refreshToken } }).catch(() => undefined);
      return { state: 'signed-out' };
    },
    onSessionChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    openStream(handlers) {
      return openEventSourceStream({ ...handlers, baseURL, ticket: async () => (await api.stream.ticket({ body: {} })).ticket });
    },
  };
}

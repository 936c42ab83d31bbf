import { compactQuery, createApiClient, type ApiRequest } from '../../../shared/api/client.ts';
import type { AuthStatus } from '../../../shared/ipc/channels/auth.ts';
import type { StreamState } from '../../../shared/ipc/channels/stream.ts';
import type { SmartCloudOpsBridge } from '../../../shared/ipc/bridge.ts';
import type { LinkStatus, Platform, SessionSnapshot } from './types.ts';
import { unwrap } from './ipc-result.ts';
import { withDesktopCache } from './desktop-cached-api.ts';

export function sessionFromAuthStatus(status: AuthStatus): SessionSnapshot {
  switch (status.state) {
    case 'signed-in':
      return status.user ? { state: 'signed-in', user: status.user } : { state: 'signed-out' };
    case 'unreachable':
      return { state: 'unreachable', user: status.user };
    case 'no-profile':
      return { state: 'no-profile' };
    default:
      return { state: 'signed-out' };
  }
}

export function linkFromStreamState(state: StreamState): LinkStatus {
  if (state.state === 'open') return { state: 'live', errorCode: null };
  if (state.state === 'connecting') return { state: 'reconnecting', errorCode: state.errorCode };
  return { state: 'offline', errorCode: state.errorCode };
}

/**
 * The Electron window: every call goes through the preload bridge to main, which holds the
 * credentials of the selected server profile; the renderer never sees a token.
 */
export function createDesktopPlatform(bridge: SmartCloudOpsBridge): Platform {
  // Main validates every request: optional filters left undefined are dropped here, not sent.
  const api = withDesktopCache(
    createApiClient(({ method, path, query, body }: ApiRequest) =>
      unwrap(bridge.api.request({ method, path, ...(query ? { query: compactQuery(query) } : {}), ...(body === undefined ? {} : { body }) })),
    ),
    bridge,
  );
  return {
    kind: 'desktop',
    api,
    bridge,
    async restoreSession() {
      return sessionFromAuthStatus(await unwrap(bridge.auth.status()));
    },
    async signIn(username, password) {
      const { activeId } = await unwrap(bridge.connections.list());
      if (!activeId) return { state: 'no-profile' };
      return sessionFromAuthStatus(await unwrap(bridge.auth.login({ profileId: activeId, method: 'password', username, password })));
    },
    async changePassword(currentPassword, newPassword) {
      const status = await unwrap(bridge.auth.status());
      await api.auth.changePassword({ body: { currentPassword, newPassword } });
      // Main keeps the credentials: sign in again so that it stores the new session.
      if (!status.profileId || !status.user) return { state: 'signed-out' };
      return sessionFromAuthStatus(
        await unwrap(bridge.auth.login({ profileId: status.profileId, method: 'password', username: status.user.username, password: newPassword })),
      );
    },
    async signOut() {
      return sessionFromAuthStatus(await unwrap(bridge.auth.logout()));
    },
    onSessionChange(listener) {
      return bridge.auth.onChanged((status) => listener(sessionFromAuthStatus(status)));
    },
    openStream({ onEvent, onReset, onStatus }) {
      const offEvent = bridge.stream.onEvent((event) => (event.type === 'reset' ? onReset() : onEvent(event)));
      const offState = bridge.stream.onStateChanged((state) => onStatus(linkFromStreamState(state)));
      onStatus({ state: 'connecting', errorCode: null });
      void unwrap(bridge.stream.subscribe({})).catch((error: { code?: string }) => onStatus({ state: 'offline', errorCode: error.code ?? 'E_INTERNAL' }));
      void unwrap(bridge.stream.state()).then((state) => onStatus(linkFromStreamState(state)), () => undefined);
      return () => {
        offEvent();
        offState();
        void bridge.stream.unsubscribe();
      };
    },
  };
}

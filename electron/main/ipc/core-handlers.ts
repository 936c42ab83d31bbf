import { AppError } from '../../../shared/errors.ts';
import type { apiChannels } from '../../../shared/ipc/channels/api.ts';
import type { AppInfo, appChannels, NavigationTarget } from '../../../shared/ipc/channels/app.ts';
import type { authChannels } from '../../../shared/ipc/channels/auth.ts';
import type { connectionChannels } from '../../../shared/ipc/channels/connections.ts';
import type { streamChannels } from '../../../shared/ipc/channels/stream.ts';
import type { updateChannels } from '../../../shared/ipc/channels/updates.ts';
import type { ConnectionService } from '../connections/connection-service.ts';
import { safeExternalUrl } from '../security/external-links.ts';
import type { StreamRelay } from '../stream/stream-relay.ts';
import type { UpdateController } from '../updates/update-controller.ts';
import type { UpdateSettingsControl } from '../updates/settings-control.ts';
import type { IpcHandlers } from './handle.ts';

/** Channels of the shell itself; the cache, sync and capsule channels have their own handlers. */
export type CoreChannelName =
  | keyof typeof apiChannels
  | keyof typeof appChannels
  | keyof typeof authChannels
  | keyof typeof connectionChannels
  | keyof typeof streamChannels
  | keyof typeof updateChannels;

export interface CoreHandlerDependencies {
  connections: ConnectionService;
  relay: StreamRelay;
  updates: UpdateController;
  updateSettings: UpdateSettingsControl;
  appInfo: () => AppInfo;
  openExternal: (url: string) => void;
  copyText: (text: string) => void;
  takeNavigation: () => NavigationTarget | null;
}

export function createCoreHandlers({ connections, relay, updates, updateSettings, appInfo, openExternal, copyText, takeNavigation }: CoreHandlerDependencies): Pick<IpcHandlers, CoreChannelName> {
  return {
    'api.request': (request) => connections.activeSession().request(request),

    'app.info': () => appInfo(),
    'app.openExternal': ({ url }) => {
      const safe = safeExternalUrl(url);
      if (!safe) throw new AppError('E_VALIDATION', 'Only https links can be opened outside the app.');
      openExternal(safe);
      return null;
    },
    'app.copyText': ({ text }) => {
      copyText(text);
      return null;
    },
    'app.takeNavigation': () => takeNavigation(),

    'auth.login': (request) => connections.login(request),
    'auth.logout': () => connections.logout(),
    'auth.status': () => connections.authStatus(),

    'connections.list': () => connections.list(),
    'connections.add': (request) => connections.add(request),
    'connections.update': (request) => connections.update(request),
    'connections.remove': ({ id }) => connections.remove(id),
    'connections.test': (request) => connections.test(request),
    'connections.select': ({ id }) => connections.select(id),

    'stream.subscribe': ({ topics }, { senderId }) => {
      relay.subscribe(senderId, topics);
      return null;
    },
    'stream.unsubscribe': (_request, { senderId }) => {
      relay.unsubscribe(senderId);
      return null;
    },
    'stream.state': () => relay.state(),

    'updates.status': () => updates.status(),
    'updates.check': () => updates.check(),
    'updates.download': () => updates.download(),
    'updates.install': () => updates.install(),
    'updates.settings': () => updateSettings.read(),
    'updates.setSettings': (settings) => updateSettings.change(settings),
  };
}

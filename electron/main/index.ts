import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, clipboard, dialog, ipcMain, protocol, safeStorage, session, shell } from 'electron';
import electronUpdater from 'electron-updater';
import type { NavigationTarget } from '../../shared/ipc/channels/app.ts';
import { AlertWatch } from './alerts/alert-watch.ts';
import { FiringAlerts } from './alerts/firing-alerts.ts';
import { ConnectionService } from './connections/connection-service.ts';
import { probeServer } from './connections/probe-server.ts';
import { ProfileScoped } from './connections/profile-scoped.ts';
import { ProfileStore } from './connections/profile-store.ts';
import { safeStorageCipher } from './credentials/safe-storage-cipher.ts';
import { selectCredentialStore } from './credentials/select-store.ts';
import type { Keytar } from './credentials/keytar-store.ts';
import { DEEP_LINK_SCHEME, deepLinkFromArgv, parseDeepLink } from './deep-links/parse-deep-link.ts';
import { createServerAxios } from './http/create-axios.ts';
import { ServerSession } from './http/server-session.ts';
import { createCacheHandlers, relayCacheEvents, reportWorkerFailures } from './data/cache-handlers.ts';
import { DesktopData } from './data/desktop-data.ts';
import { createCoreHandlers } from './ipc/core-handlers.ts';
import { createHandle, registerHandlers } from './ipc/handle.ts';
import { createEventSender } from './ipc/send-event.ts';
import { createSenderPolicy, originOf } from './ipc/sender-policy.ts';
import { installApplicationMenu } from './menu/application-menu.ts';
import { CriticalAlertNotifier } from './notifications/critical-alert-notifier.ts';
import { ApprovalNotifier } from './notifications/approval-notifier.ts';
import { appPaths } from './paths.ts';
import { APP_ENTRY_URL, APP_ORIGIN } from './security/app-protocol.ts';
import { contentSecurityPolicy } from './security/csp.ts';
import { denyPermissions, hardenWebContents } from './security/harden-contents.ts';
import { registerAppScheme, serveAppProtocol } from './security/serve-app-protocol.ts';
import { sessionEventStream } from './stream/session-event-stream.ts';
import { StreamRelay } from './stream/stream-relay.ts';
import { AlertTray } from './tray/alert-tray.ts';
import { ScoringClient } from './scoring/scoring-client.ts';
import { utilityProcessTransport } from './scoring/utility-process-transport.ts';
import { UpdateController } from './updates/update-controller.ts';
import { createMainWindow } from './window/create-main-window.ts';
import { WindowStateFile } from './window/window-state.ts';

// The composition root: the only file that wires Electron to the plain modules.

/** Set by electron-vite in `npm run dev`; absent in built and packaged runs. */
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const devServerOrigin = devServerUrl ? originOf(devServerUrl) ?? undefined : undefined;

registerAppScheme(protocol);
// Separate profiles for end-to-end tests and side-by-side installs; must precede the lock.
if (process.env.SMARTCLOUDOPS_USER_DATA_DIR) app.setPath('userData', process.env.SMARTCLOUDOPS_USER_DATA_DIR);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  let window: BrowserWindow | null = null;
  let pendingNavigation: NavigationTarget | null = deepLinkFromArgv(process.argv);

  const send = createEventSender(() => BrowserWindow.getAllWindows().map((each) => each.webContents));
  const navigate = (target: NavigationTarget) => {
    // macOS can deliver a deep link before the app is ready: keep it for the first window.
    if (!app.isReady()) {
      pendingNavigation = target;
      return;
    }
    showWindow();
    // A console that is still loading picks it up with app.takeNavigation once it listens.
    if (window && !window.webContents.isLoading()) send('app.navigate', target);
    else pendingNavigation = target;
  };
  const showWindow = () => {
    if (!window || window.isDestroyed()) window = openWindow();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  app.on('second-instance', (_event, argv) => {
    const target = deepLinkFromArgv(argv);
    if (target) navigate(target);
    else showWindow();
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const target = parseDeepLink(url);
    if (target) navigate(target);
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (url) => void shell.openExternal(url)));
  if (app.isPackaged) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);

  await app.whenReady();
  const paths = appPaths({ packaged: app.isPackaged, resourcesPath: process.resourcesPath, userData: app.getPath('userData') });
  const csp = contentSecurityPolicy(devServerOrigin ? { devServerOrigin } : {});
  denyPermissions(session.defaultSession);
  serveAppProtocol(protocol, paths.renderer, csp);
  if (devServerOrigin) {
    // The dev server's own responses carry no CSP; add ours.
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'content-security-policy': [csp] } });
    });
  }

  const credentials = await selectCredentialStore({
    loadKeytar: async () => ((await import('keytar')) as { default: Keytar }).default,
    cipher: safeStorageCipher(safeStorage, process.platform),
    vaultFile: paths.secretsVault,
  });

  let tray: AlertTray | null = null;
  const firing = new FiringAlerts({
    onCount: (count) => tray?.setCount(count),
    onCritical: (alert) => notifier.notify(alert),
  });
  const alertWatch = new AlertWatch({ request: async (request) => connections.activeSession().request(request), firing });
  const approvals = new ApprovalNotifier({ username: () => connections.authStatus().user?.username ?? null, open: () => navigate({ kind: 'approvals' }) });
  const relay = new StreamRelay({
    send,
    onEvent: (event) => {
      alertWatch.handle(event);
      approvals.handle(event);
    },
    onOpen: () => void alertWatch.reload(),
  });
  const connections = new ConnectionService({
    profiles: new ProfileStore(paths.connections),
    credentials,
    createSession: (profile, onChange) => new ServerSession({ profileId: profile.id, http: createServerAxios(profile.url, profile.tls), credentials, onChange }),
    probe: probeServer,
    onListChanged: (list) => {
      send('connections.changed', list);
      forgetRemovedCaches(list.profiles.map((profile) => profile.id));
    },
    onAuthChanged: (status) => {
      send('auth.changed', status);
      followSession(status.profileId, status.state);
      void followData(status.profileId, status.state);
    },
  });

  // The local cache, sync engine, offline reads and capsules of the selected profile.
  const scoring = new ScoringClient({ createTransport: utilityProcessTransport(paths.scoringWorker), onWorkerFailed: reportWorkerFailures(send) });
  const profileData = new ProfileScoped((profileId) => {
    const data = new DesktopData({
      cacheFile: path.join(paths.cacheFolder, `${profileId}.db`),
      capsuleCacheFile: path.join(paths.cacheFolder, 'capsules.db'),
      transport: async (request) => connections.activeSession().request(request),
      // Resolved per connection: the session object changes when the profile's URL does.
      stream: {
        connect: (lastEventId, handlers) => {
          const current = connections.activeSession();
          return sessionEventStream({ http: current.http, bearer: () => current.bearer() }).connect(lastEventId, handlers);
        },
      },
      scoring,
    });
    const stopRelaying = relayCacheEvents(data, send);
    return {
      data,
      async close() {
        stopRelaying();
        await data.close();
      },
    };
  });
  async function followData(profileId: string | null, state: string): Promise<void> {
    await profileData.follow(profileId);
    // Sync needs a session (it retries while unreachable); cached reads work signed out too.
    if (state === 'signed-in' || state === 'unreachable') profileData.startOnce(({ data }) => data.start());
  }
  /** A removed profile's cache goes with it, like its secrets. */
  function forgetRemovedCaches(profileIds: readonly string[]): void {
    if (!fs.existsSync(paths.cacheFolder)) return;
    for (const file of fs.readdirSync(paths.cacheFolder)) {
      const match = /^(.+)\.db(-wal|-shm)?$/.exec(file);
      if (!match?.[1] || match[1] === 'capsules' || profileIds.includes(match[1])) continue;
      try {
        fs.rmSync(path.join(paths.cacheFolder, file), { force: true });
      } catch {
        // Still open (Windows refuses to delete it): the next list change removes it.
      }
    }
  }
  const notifier = new CriticalAlertNotifier({
    open: (alert) => navigate(alert.incidentId === null ? { kind: 'alerts' } : { kind: 'incident', incidentId: String(alert.incidentId) }),
    acknowledge: (alert) => alertWatch.acknowledge(alert.id),
    reportFailure: (alert, message) => {
      console.error(`acknowledging alert ${alert.id} from the notification failed: ${message}`);
      navigate({ kind: 'alerts' });
    },
  });

  /** The profile whose stream the relay follows; a switch of profile restarts it. */
  let streamingProfileId: string | null = null;
  function followSession(profileId: string | null, state: string): void {
    // Also while unreachable: the stream's reconnections are what notices the server is back.
    const wanted = state === 'signed-in' || state === 'unreachable' ? profileId : null;
    if (wanted === streamingProfileId) return;
    streamingProfileId = wanted;
    alertWatch.clear();
    if (wanted === null) {
      relay.stop();
      return;
    }
    const current = connections.activeSession();
    relay.start(sessionEventStream({ http: current.http, bearer: () => current.bearer() }));
  }

  const updates = new UpdateController({
    updater: electronUpdater.autoUpdater,
    currentVersion: app.getVersion(),
    enabled: app.isPackaged && process.env.SMARTCLOUDOPS_DISABLE_UPDATES !== '1',
    feedUrl: process.env.SMARTCLOUDOPS_UPDATE_URL ?? null,
    onChange: (status) => send('updates.changed', status),
  });

  const allowedOrigins = devServerOrigin ? [APP_ORIGIN, devServerOrigin] : [APP_ORIGIN];
  const handle = createHandle({
    ipcMain,
    isTrustedSender: createSenderPolicy(allowedOrigins),
    onProblem: (channel, problem) => console.warn(`[ipc] ${channel}: ${problem}`),
  });
  const capsuleFilter = [{ name: 'Incident capsule', extensions: ['scocapsule'] }];
  registerHandlers(handle, {
    ...createCacheHandlers({
      data: () => profileData.get().data,
      chooseCapsuleSavePath: async (defaultName) => {
        const choice = await dialog.showSaveDialog({ defaultPath: defaultName, filters: capsuleFilter });
        return choice.canceled || !choice.filePath ? null : choice.filePath;
      },
      chooseCapsuleToOpen: async () => {
        const choice = await dialog.showOpenDialog({ properties: ['openFile'], filters: capsuleFilter });
        return choice.canceled ? null : (choice.filePaths[0] ?? null);
      },
    }),
    ...createCoreHandlers({
      connections,
      relay,
      updates,
      appInfo: () => ({
        name: app.getName(),
        version: app.getVersion(),
        platform: process.platform,
        versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
        packaged: app.isPackaged,
      }),
      openExternal: (url) => void shell.openExternal(url),
      copyText: (text) => clipboard.writeText(text),
      takeNavigation: () => {
        const target = pendingNavigation;
        pendingNavigation = null;
        return target;
      },
    }),
  });

  function openWindow(): BrowserWindow {
    const created = createMainWindow({
      preloadPath: paths.preload,
      entryUrl: devServerUrl ?? APP_ENTRY_URL,
      windowState: new WindowStateFile(paths.windowState),
      iconPath: paths.icon,
    });
    const contentsId = created.webContents.id;
    created.webContents.on('destroyed', () => relay.unsubscribe(contentsId));
    return created;
  }

  installApplicationMenu(
    {
      checkForUpdates: () => void updates.check(),
      openDocumentation: () => void shell.openExternal('https://github.com/smartcloudops/smartcloudops#readme'),
    },
    app.isPackaged,
  );
  tray = new AlertTray({ iconPath: paths.trayIcon, showWindow, showAlerts: () => navigate({ kind: 'alerts' }), quit: () => app.quit() });
  window = openWindow();
  app.on('activate', showWindow);
  // The tray keeps the app (and its notifications) alive with the window closed.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', () => {
    relay.stop();
    tray?.destroy();
    void profileData.follow(null);
  });
  if (process.env.SMARTCLOUDOPS_DEFAULT_SERVER) await connections.adoptDefaultServer(process.env.SMARTCLOUDOPS_DEFAULT_SERVER, 'This computer');
  await connections.start();
  // Only looks: downloading and installing stay the engineer's decision.
  void updates.check();
}

import { app, BrowserWindow, clipboard, dialog, ipcMain, Notification, protocol, safeStorage, session, shell } from 'electron';
import electronUpdater from 'electron-updater';
import { safeStorageCipher } from './credentials/safe-storage-cipher.ts';
import { selectCredentialStore } from './credentials/select-store.ts';
import type { Keytar } from './credentials/keytar-store.ts';
import { createCacheHandlers, reportWorkerFailures } from './data/cache-handlers.ts';
import { createCoreHandlers } from './ipc/core-handlers.ts';
import { createHandle, registerHandlers } from './ipc/handle.ts';
import { createEventSender } from './ipc/send-event.ts';
import { createSenderPolicy, originOf } from './ipc/sender-policy.ts';
import { installApplicationMenu } from './menu/application-menu.ts';
import { CriticalAlertNotifier } from './notifications/critical-alert-notifier.ts';
import { ApprovalNotifier } from './notifications/approval-notifier.ts';
import { ServerReplacedNotifier } from './notifications/server-replaced-notifier.ts';
import { createApiClient } from '../../shared/api/client.ts';
import { appPaths } from './paths.ts';
import { APP_ENTRY_URL, APP_ORIGIN } from './security/app-protocol.ts';
import { contentSecurityPolicy } from './security/csp.ts';
import { denyPermissions, hardenWebContents } from './security/harden-contents.ts';
import { registerAppScheme, serveAppProtocol } from './security/serve-app-protocol.ts';
import { AlertTray } from './tray/alert-tray.ts';
import { ScoringClient } from './scoring/scoring-client.ts';
import { utilityProcessTransport } from './scoring/utility-process-transport.ts';
import { AutoCheck } from './updates/auto-check.ts';
import { startUpdateSettings } from './updates/settings-control.ts';
import { UpdateController } from './updates/update-controller.ts';
import { UpdateSettingsFile } from './updates/update-settings.ts';
import { createMainWindow } from './window/create-main-window.ts';
import { WindowStateFile } from './window/window-state.ts';
import { WindowNavigation } from './window/window-navigation.ts';
import { ProfileLifecycle } from './profile/profile-lifecycle.ts';

// The composition root: the only file that wires Electron to the plain modules. The window
// and its deep links live in window/window-navigation.ts, the selected profile's session,
// stream and data in profile/profile-lifecycle.ts; see docs/architecture.md.

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
  const send = createEventSender(() => BrowserWindow.getAllWindows().map((each) => each.webContents));
  const windows = new WindowNavigation(app, send, process.argv);
  windows.listen();
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (url) => void shell.openExternal(url)));

  await app.whenReady();
  const paths = appPaths({ packaged: app.isPackaged, resourcesPath: process.resourcesPath, userData: app.getPath('userData') });
  secureSession(paths.renderer);

  const credentials = await selectCredentialStore({
    loadKeytar: async () => ((await import('keytar')) as { default: Keytar }).default,
    cipher: safeStorageCipher(safeStorage, process.platform),
    vaultFile: paths.secretsVault,
  });

  let tray: AlertTray | null = null;
  const scoring = new ScoringClient({ createTransport: utilityProcessTransport(paths.scoringWorker), onWorkerFailed: reportWorkerFailures(send) });
  const profile: ProfileLifecycle = new ProfileLifecycle({
    paths,
    credentials,
    scoring,
    send,
    onFiringCount: (count) => tray?.setCount(count),
    onCritical: (alert) => notifier.notify(alert),
    onEvent: (event) => approvals.handle(event),
    onServerReplaced: (profileId, moved) => replacedNotice.notify(profile.connections.profileName(profileId) ?? 'The server', moved),
  });
  // The profile's server turned out to be another (its data replaced): where its cached and kept incidents went.
  const replacedNotice = new ServerReplacedNotifier({
    notifications: { isSupported: () => Notification.isSupported(), create: (options) => new Notification(options) },
    openCapsules: () => windows.navigate({ kind: 'capsules' }),
  });
  // A run waiting for this user's approval: a native notification that opens the queue.
  const approvals = new ApprovalNotifier({
    username: () => profile.connections.authStatus().user?.username ?? null,
    open: () => windows.navigate({ kind: 'approvals' }),
    notifications: { isSupported: () => Notification.isSupported(), create: (options) => new Notification(options) },
    currentRun: (id) => createApiClient((request) => profile.connections.activeSession().request(request)).runbooks.getRun({ params: { id } }),
  });
  const notifier = new CriticalAlertNotifier({
    notifications: { isSupported: () => Notification.isSupported(), create: (options) => new Notification(options) },
    platform: process.platform,
    openAcknowledge: (alert) => windows.navigate({ kind: 'acknowledge', alertId: alert.id }),
    openAlerts: () => windows.navigate({ kind: 'alerts' }),
    acknowledge: (alert) => profile.alertWatch.acknowledge(alert.id),
    reportFailure: (alert, message) => {
      console.error(`acknowledging alert ${alert.id} from the notification failed: ${message}`);
      windows.navigate({ kind: 'acknowledge', alertId: alert.id });
    },
  });

  const updates = new UpdateController({
    updater: electronUpdater.autoUpdater,
    currentVersion: app.getVersion(),
    enabled: app.isPackaged && process.env.SMARTCLOUDOPS_DISABLE_UPDATES !== '1',
    feedUrl: process.env.SMARTCLOUDOPS_UPDATE_URL ?? null,
    onChange: (status) => send('updates.changed', status),
  });
  // "Check automatically" (on by default) looks now and every few hours; downloading and
  // installing stay the engineer's decision. The renderer reads the status when it opens.
  const updateSettings = startUpdateSettings(new UpdateSettingsFile(paths.updateSettings), new AutoCheck({ check: () => updates.check() }));

  const allowedOrigins = devServerOrigin ? [APP_ORIGIN, devServerOrigin] : [APP_ORIGIN];
  const handle = createHandle({
    ipcMain,
    isTrustedSender: createSenderPolicy(allowedOrigins),
    onProblem: (channel, problem) => console.warn(`[ipc] ${channel}: ${problem}`),
  });
  const capsuleFilter = [{ name: 'Incident capsule', extensions: ['scocapsule'] }];
  registerHandlers(handle, {
    ...createCacheHandlers({
      data: () => profile.profileData.get().data,
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
      connections: profile.connections,
      relay: profile.relay,
      updates,
      updateSettings,
      appInfo: () => ({
        name: app.getName(),
        version: app.getVersion(),
        platform: process.platform,
        versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
        packaged: app.isPackaged,
      }),
      openExternal: (url) => void shell.openExternal(url),
      copyText: (text) => clipboard.writeText(text),
      takeNavigation: () => windows.takeNavigation(),
    }),
  });

  installApplicationMenu(
    {
      checkForUpdates: () => void updates.check(),
      openDocumentation: () => void shell.openExternal('https://github.com/smartcloudops/smartcloudops#readme'),
    },
    app.isPackaged,
  );
  tray = new AlertTray({ iconPath: paths.trayIcon, showWindow: () => windows.showWindow(), showAlerts: () => windows.navigate({ kind: 'alerts' }), quit: () => app.quit() });
  windows.open(() => {
    const created = createMainWindow({
      preloadPath: paths.preload,
      entryUrl: devServerUrl ?? APP_ENTRY_URL,
      windowState: new WindowStateFile(paths.windowState),
      iconPath: paths.icon,
    });
    const contentsId = created.webContents.id;
    created.webContents.on('destroyed', () => profile.relay.unsubscribe(contentsId));
    return created;
  });
  app.on('activate', () => windows.showWindow());
  // The tray keeps the app (and its notifications) alive with the window closed.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', () => {
    tray?.destroy();
    void profile.stop();
  });
  const defaultServer = process.env.SMARTCLOUDOPS_DEFAULT_SERVER;
  await profile.connections.start(defaultServer ? { url: defaultServer, name: 'This computer' } : undefined);
}

/** The app's content rules: no permissions, the app:// protocol with our CSP (the dev server's answers get it too). */
function secureSession(rendererFolder: string): void {
  const csp = contentSecurityPolicy(devServerOrigin ? { devServerOrigin } : {});
  denyPermissions(session.defaultSession);
  serveAppProtocol(protocol, rendererFolder, csp);
  if (devServerOrigin) {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'content-security-policy': [csp] } });
    });
  }
}

import type { AppUpdater } from 'electron-updater';
import { AppError } from '../../../shared/errors.ts';
import type { UpdateStatus } from '../../../shared/ipc/channels/updates.ts';
import { releaseNotesText } from './release-notes.ts';

/**
 * The part of electron-updater's AppUpdater the controller drives: the `autoUpdater`
 * singleton in the app, a real `DebUpdater` against a loopback feed in the tests.
 */
export type AutoUpdaterLike = Pick<AppUpdater, 'autoDownload' | 'autoInstallOnAppQuit' | 'on' | 'setFeedURL' | 'checkForUpdates' | 'downloadUpdate' | 'quitAndInstall'>;

export interface UpdateControllerOptions {
  updater: AutoUpdaterLike;
  currentVersion: string;
  /** False in development and unpackaged runs: there is nothing to update. */
  enabled: boolean;
  /**
   * A generic feed to use instead of the GitHub Releases named in app-update.yml
   * (SMARTCLOUDOPS_UPDATE_URL: a staging channel, a mirror inside a closed network).
   */
  feedUrl: string | null;
  onChange: (status: UpdateStatus) => void;
}

/**
 * Check, download with progress, restart to install: each step offered to the renderer,
 * never done behind the engineer's back (an on-call console must not restart itself
 * in the middle of an incident), hence no automatic download or install on quit.
 * Finding the version, downloading and verifying the file's SHA-512 against the feed's
 * latest*.yml are electron-updater's own code; a mismatch ends in the `error` state and
 * the file is discarded.
 */
/**
 * Why a configured feed must not be used, or null. The feed names the file and its SHA-512
 * both, so whoever can change what it answers can run code on this machine: https only
 * (plain http just to this machine, a local mirror or a test), no credentials (they would
 * show in messages and logs).
 */
export function updateFeedProblem(feedUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(feedUrl);
  } catch {
    return 'it is not a URL';
  }
  if (url.username || url.password) return 'it has credentials in it';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return null;
  return url.protocol === 'http:' ? 'plain http is accepted only from this machine; use https' : `${url.protocol} is not https`;
}

export class UpdateController {
  private readonly options: UpdateControllerOptions;
  private current: UpdateStatus;
  /** Set when SMARTCLOUDOPS_UPDATE_URL cannot be used: every check says so, nothing is asked. */
  private readonly feedRefusal: string | null = null;

  constructor(options: UpdateControllerOptions) {
    this.options = options;
    this.current = {
      state: options.enabled ? 'idle' : 'disabled',
      currentVersion: options.currentVersion,
      availableVersion: null,
      progress: null,
      errorMessage: null,
      releaseNotes: null,
    };
    if (!options.enabled) return;
    const { updater } = options;
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = false;
    if (options.feedUrl) {
      const problem = updateFeedProblem(options.feedUrl);
      if (problem) {
        // Not the app's own feed instead: the engineer would not know which one is used.
        this.feedRefusal = `SMARTCLOUDOPS_UPDATE_URL cannot be used (${problem}); no update is looked for until it is fixed.`;
        this.current = { ...this.current, state: 'error', errorMessage: this.feedRefusal };
        return;
      }
      updater.setFeedURL({ provider: 'generic', url: options.feedUrl });
    }
    updater.on('checking-for-update', () => this.set({ state: 'checking', errorMessage: null }));
    updater.on('update-available', (info) => this.set({ state: 'available', availableVersion: info.version, releaseNotes: releaseNotesText(info.releaseNotes) }));
    updater.on('update-not-available', () => this.set({ state: 'not-available', availableVersion: null, releaseNotes: null }));
    updater.on('download-progress', ({ percent, transferred, total, bytesPerSecond }) => this.set({ state: 'downloading', progress: { percent, transferred, total, bytesPerSecond } }));
    updater.on('update-downloaded', (info) => this.set({ state: 'downloaded', availableVersion: info.version, progress: null }));
    updater.on('error', (error) => this.set({ state: 'error', progress: null, errorMessage: error.message }));
  }

  status(): UpdateStatus {
    return structuredClone(this.current);
  }

  async check(): Promise<UpdateStatus> {
    if (this.feedRefusal) return this.status();
    if (['disabled', 'checking', 'downloading', 'downloaded'].includes(this.current.state)) return this.status();
    await this.run(() => this.options.updater.checkForUpdates());
    return this.status();
  }

  async download(): Promise<UpdateStatus> {
    if (this.current.state !== 'available') throw new AppError('E_CONFLICT', 'No update is available to download.');
    this.set({ state: 'downloading', progress: { percent: 0, transferred: 0, total: 0, bytesPerSecond: 0 } });
    await this.run(() => this.options.updater.downloadUpdate());
    return this.status();
  }

  /** Quits and installs; electron-updater relaunches the app afterwards. */
  install(): null {
    if (this.current.state !== 'downloaded') throw new AppError('E_CONFLICT', 'No downloaded update to install.');
    this.options.updater.quitAndInstall(false, true);
    return null;
  }

  /** Failures also arrive as 'error' events; the rejection is folded into the same state. */
  private async run(step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.set({ state: 'error', progress: null, errorMessage: (error as Error).message });
    }
  }

  private set(change: Partial<UpdateStatus>): void {
    this.current = { ...this.current, ...change };
    this.options.onChange(this.status());
  }
}

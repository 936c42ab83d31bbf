import { AppError } from '../../../shared/errors.ts';
import type { UpdateStatus } from '../../../shared/ipc/channels/updates.ts';

/** The part of electron-updater's autoUpdater the controller drives. */
export interface AutoUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  on(event: 'checking-for-update', listener: () => void): unknown;
  on(event: 'update-available' | 'update-not-available' | 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number; transferred: number; total: number; bytesPerSecond: number }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(): void;
}

export interface UpdateControllerOptions {
  updater: AutoUpdaterLike;
  currentVersion: string;
  /** False in development and unpackaged runs: there is nothing to update. */
  enabled: boolean;
  /** Overrides the generic feed URL packaged in app-update.yml (e.g. a staging channel). */
  feedUrl: string | null;
  onChange: (status: UpdateStatus) => void;
}

/**
 * Check, download with progress, restart to install: each step offered to the renderer,
 * never done behind the engineer's back (an on-call console must not restart itself
 * in the middle of an incident), hence no automatic download.
 */
export class UpdateController {
  private readonly options: UpdateControllerOptions;
  private current: UpdateStatus;

  constructor(options: UpdateControllerOptions) {
    this.options = options;
    this.current = { state: options.enabled ? 'idle' : 'disabled', currentVersion: options.currentVersion, availableVersion: null, progress: null, errorMessage: null };
    if (!options.enabled) return;
    const { updater } = options;
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = false;
    if (options.feedUrl) updater.setFeedURL({ provider: 'generic', url: options.feedUrl });
    updater.on('checking-for-update', () => this.set({ state: 'checking', errorMessage: null }));
    updater.on('update-available', (info) => this.set({ state: 'available', availableVersion: info.version }));
    updater.on('update-not-available', () => this.set({ state: 'not-available', availableVersion: null }));
    updater.on('download-progress', ({ percent, transferred, total, bytesPerSecond }) => this.set({ state: 'downloading', progress: { percent, transferred, total, bytesPerSecond } }));
    updater.on('update-downloaded', (info) => this.set({ state: 'downloaded', availableVersion: info.version, progress: null }));
    updater.on('error', (error) => this.set({ state: 'error', progress: null, errorMessage: error.message }));
  }

  status(): UpdateStatus {
    return structuredClone(this.current);
  }

  async check(): Promise<UpdateStatus> {
    if (this.current.state === 'disabled') return this.status();
    if (this.current.state === 'downloading' || this.current.state === 'downloaded') return this.status();
    await this.run(() => this.options.updater.checkForUpdates());
    return this.status();
  }

  async download(): Promise<UpdateStatus> {
    if (this.current.state !== 'available') throw new AppError('E_CONFLICT', 'No update is available to download.');
    this.set({ state: 'downloading', progress: { percent: 0, transferred: 0, total: 0, bytesPerSecond: 0 } });
    await this.run(() => this.options.updater.downloadUpdate());
    return this.status();
  }

  install(): null {
    if (this.current.state !== 'downloaded') throw new AppError('E_CONFLICT', 'No downloaded update to install.');
    this.options.updater.quitAndInstall();
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

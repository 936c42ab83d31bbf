import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../../shared/ipc/channels/updates.ts';
import { UpdateController, type AutoUpdaterLike } from './update-controller.ts';

/**
 * electron-updater's autoUpdater needs the Electron runtime; this emits its documented
 * event sequence so the controller's state machine is exercised end to end.
 */
class ScriptedUpdater extends EventEmitter implements AutoUpdaterLike {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  feed: unknown = null;
  installs = 0;
  nextVersion: string | null = '1.2.0';
  failDownload = false;
  setFeedURL(options: unknown) {
    this.feed = options;
  }
  async checkForUpdates() {
    this.emit('checking-for-update');
    if (this.nextVersion) this.emit('update-available', { version: this.nextVersion });
    else this.emit('update-not-available', { version: '1.0.0' });
  }
  async downloadUpdate() {
    if (this.failDownload) throw new Error('sha512 checksum mismatch');
    this.emit('download-progress', { percent: 50, transferred: 50, total: 100, bytesPerSecond: 10 });
    this.emit('download-progress', { percent: 100, transferred: 100, total: 100, bytesPerSecond: 10 });
    this.emit('update-downloaded', { version: this.nextVersion });
  }
  quitAndInstall() {
    this.installs += 1;
  }
}

function controller(enabled = true, feedUrl: string | null = 'https://updates.example.com/smartcloudops/') {
  const updater = new ScriptedUpdater();
  const changes: UpdateStatus[] = [];
  const updates = new UpdateController({ updater, currentVersion: '1.0.0', enabled, feedUrl, onChange: (status) => changes.push(status) });
  return { updater, updates, changes };
}

describe('update controller', () => {
  it('checks, downloads with progress and installs only when asked', async () => {
    const { updater, updates, changes } = controller();
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.feed).toEqual({ provider: 'generic', url: 'https://updates.example.com/smartcloudops/' });
    await expect(updates.check()).resolves.toMatchObject({ state: 'available', availableVersion: '1.2.0' });
    expect(() => updates.install()).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
    await expect(updates.download()).resolves.toMatchObject({ state: 'downloaded', availableVersion: '1.2.0', progress: null });
    expect(changes.map((change) => change.progress?.percent ?? null).filter((percent) => percent !== null)).toEqual([0, 50, 100]);
    expect(updater.installs).toBe(0);
    updates.install();
    expect(updater.installs).toBe(1);
  });

  it('reports "not available" and errors as states', async () => {
    const { updater, updates } = controller(true, null);
    expect(updater.feed).toBeNull();
    updater.nextVersion = null;
    await expect(updates.check()).resolves.toMatchObject({ state: 'not-available' });
    updater.nextVersion = '2.0.0';
    await updates.check();
    updater.failDownload = true;
    await expect(updates.download()).resolves.toMatchObject({ state: 'error', errorMessage: 'sha512 checksum mismatch' });
  });

  it('does nothing in development', async () => {
    const { updater, updates, changes } = controller(false);
    await expect(updates.check()).resolves.toMatchObject({ state: 'disabled', currentVersion: '1.0.0' });
    await expect(updates.download()).rejects.toMatchObject({ code: 'E_CONFLICT' });
    expect(updater.listenerCount('update-available')).toBe(0);
    expect(changes).toEqual([]);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../shared/ipc/contract.ts';
import { UnavailableCredentialStore } from '../../electron/main/credentials/unavailable-store.ts';
import { createCacheHandlers } from '../../electron/main/data/cache-handlers.ts';
import { createCoreHandlers } from '../../electron/main/ipc/core-handlers.ts';
import { createHandle, registerHandlers, type InvokeEvent } from '../../electron/main/ipc/handle.ts';
import { createSenderPolicy } from '../../electron/main/ipc/sender-policy.ts';
import { ProfileLifecycle } from '../../electron/main/profile/profile-lifecycle.ts';
import { ScoringClient } from '../../electron/main/scoring/scoring-client.ts';
import { workerThreadTransport } from '../../electron/main/scoring/worker-thread-transport.ts';
import { AutoCheck } from '../../electron/main/updates/auto-check.ts';
import { startUpdateSettings } from '../../electron/main/updates/settings-control.ts';
import { UpdateController } from '../../electron/main/updates/update-controller.ts';
import { UpdateSettingsFile } from '../../electron/main/updates/update-settings.ts';

/**
 * The desktop app's main process, without Electron: the same ProfileLifecycle, cache and
 * core handlers and IPC wrapper (`createHandle`: sender check, contract validation) that
 * electron/main/index.ts registers, run in the test process, and the preload's bridge
 * rebuilt in the page on top of a Playwright binding instead of Electron's IPC.
 *
 * Why: the desktop-only views (imported capsules) need `window.smartcloudops`, and the
 * Electron binary cannot be downloaded on every machine (tests/electron skips there).
 * Only the transport differs; every handler, the capsule files and the caches are real.
 * The capsule dialogs answer with a path the spec chooses (`capsuleFile`).
 */
export class DesktopHost {
  readonly userData = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-e2e-desktop-'));
  /** Where "Export capsule" saves and "Import capsule" opens (the native dialogs' answer). */
  capsuleFile = path.join(this.userData, 'incident.scocapsule');
  readonly #pages = new Set<Page>();
  readonly #handlers = new Map<string, (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  readonly #scoring = new ScoringClient({ createTransport: workerThreadTransport() });
  readonly #profile: ProfileLifecycle;

  constructor(consoleOrigin: string) {
    const send = (name: string, payload: unknown) => {
      for (const page of this.#pages) void page.evaluate(([channel, value]) => (window as unknown as { __scoIpcEmit?: (c: string, v: unknown) => void }).__scoIpcEmit?.(channel as string, value), [name, payload] as const).catch(() => undefined);
    };
    this.#profile = new ProfileLifecycle({
      paths: { connections: path.join(this.userData, 'connections.json'), cacheFolder: path.join(this.userData, 'cache') },
      // No keychain in a test: sessions live in memory, as on a machine without one.
      credentials: new UnavailableCredentialStore('end-to-end test without a keychain'),
      scoring: this.#scoring,
      send,
      onFiringCount: () => undefined,
      onCritical: () => undefined,
    });
    const updates = new UpdateController({ updater: null as never, currentVersion: '0.0.0-e2e', enabled: false, feedUrl: null, onChange: () => undefined });
    const updateSettings = startUpdateSettings(new UpdateSettingsFile(path.join(this.userData, 'update-settings.json')), new AutoCheck({ check: () => updates.check() }));
    const handle = createHandle({
      ipcMain: { handle: (channel, listener) => void this.#handlers.set(channel, listener) },
      isTrustedSender: createSenderPolicy([consoleOrigin]),
      onProblem: (channel, problem) => console.warn(`[ipc] ${channel}: ${problem}`),
    });
    registerHandlers(handle, {
      ...createCacheHandlers({
        data: () => this.#profile.profileData.get().data,
        chooseCapsuleSavePath: async () => this.capsuleFile,
        chooseCapsuleToOpen: async () => this.capsuleFile,
      }),
      ...createCoreHandlers({
        connections: this.#profile.connections,
        relay: this.#profile.relay,
        updates,
        updateSettings,
        appInfo: () => ({ name: 'SmartCloudOps', version: '0.0.0-e2e', platform: process.platform, versions: { electron: 'none', chrome: 'playwright', node: process.versions.node }, packaged: false }),
        openExternal: () => undefined,
        copyText: () => undefined,
        takeNavigation: () => null,
      }),
    });
  }

  /** Gives the context's pages the preload bridge (before any script of the console runs). */
  async attach(context: BrowserContext): Promise<void> {
    let nextId = 1;
    const ids = new WeakMap<Page, number>();
    await context.exposeBinding('__scoIpcInvoke', async ({ page, frame }, channel: string, args: unknown[]) => {
      this.#pages.add(page);
      if (!ids.has(page)) ids.set(page, nextId++);
      const listener = this.#handlers.get(channel);
      if (!listener) return { ok: false, code: 'E_VALIDATION', message: `No channel ${channel}` };
      const senderFrame = { url: frame.url(), parent: frame.parentFrame() ? { url: frame.parentFrame()!.url(), parent: null } : null };
      return listener({ senderFrame, sender: { id: ids.get(page)! } }, ...args);
    });
    await context.addInitScript(
      ({ invoke, events }) => {
        const listeners = new Map<string, Set<(payload: unknown) => void>>();
        const call = (window as unknown as { __scoIpcInvoke: (channel: string, args: unknown[]) => Promise<unknown> }).__scoIpcInvoke;
        const namespaces: Record<string, Record<string, unknown>> = {};
        const split = (name: string) => [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)] as const;
        for (const name of invoke) {
          const [namespace, method] = split(name);
          (namespaces[namespace] ??= {})[method] = (request?: unknown) => call(name, request === undefined ? [] : [request]);
        }
        for (const name of events) {
          const [namespace, event] = split(name);
          (namespaces[namespace] ??= {})[`on${event.charAt(0).toUpperCase()}${event.slice(1)}`] = (listener: (payload: unknown) => void) => {
            const set = listeners.get(name) ?? new Set();
            listeners.set(name, set);
            set.add(listener);
            return () => set.delete(listener);
          };
        }
        for (const value of Object.values(namespaces)) Object.freeze(value);
        Object.defineProperty(window, 'smartcloudops', { value: Object.freeze(namespaces) });
        Object.defineProperty(window, '__scoIpcEmit', { value: (name: string, payload: unknown) => listeners.get(name)?.forEach((listener) => listener(payload)) });
      },
      { invoke: Object.keys(INVOKE_CHANNELS), events: Object.keys(EVENT_CHANNELS) },
    );
  }

  async close(): Promise<void> {
    this.#pages.clear();
    await this.#profile.stop();
    await this.#scoring.close();
    fs.rmSync(this.userData, { recursive: true, force: true });
  }
}

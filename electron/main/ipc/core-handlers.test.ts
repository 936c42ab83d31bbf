import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../../../server/src/testing/test-server.ts';
import type { NavigationTarget } from '../../../shared/ipc/channels/app.ts';
import { testCredentialStore } from '../../test/credential-store.ts';
import { ConnectionService } from '../connections/connection-service.ts';
import { probeServer } from '../connections/probe-server.ts';
import { ProfileStore } from '../connections/profile-store.ts';
import { createServerAxios } from '../http/create-axios.ts';
import { ServerSession } from '../http/server-session.ts';
import { StreamRelay } from '../stream/stream-relay.ts';
import { AutoCheck } from '../updates/auto-check.ts';
import { startUpdateSettings } from '../updates/settings-control.ts';
import { UpdateSettingsFile } from '../updates/update-settings.ts';
import { UpdateController, type AutoUpdaterLike } from '../updates/update-controller.ts';
import { createCoreHandlers, type CoreChannelName } from './core-handlers.ts';
import { createHandle, type InvokeEvent } from './handle.ts';
import { createSenderPolicy } from './sender-policy.ts';

/** What the renderer would do through the preload bridge: invoke a channel from the console frame. */
class RendererSide {
  readonly listeners = new Map<string, (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>) {
    this.listeners.set(channel, listener);
  }
  call(channel: string, ...args: unknown[]) {
    return this.listeners.get(channel)!({ senderFrame: { url: 'app://console/index.html', parent: null }, sender: { id: 1 } }, ...args) as Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
  }
}

describe('the shell\'s IPC handlers, end to end against a real server', () => {
  let server: TestServer;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-ipc-'));
  const { store: credentials, cleanUp } = testCredentialStore();
  const renderer = new RendererSide();
  const opened: string[] = [];
  const copied: string[] = [];
  let pending: NavigationTarget | null = { kind: 'incident', incidentId: '42' };

  beforeAll(async () => {
    server = await startTestServer({ listen: true });
    const connections = new ConnectionService({
      profiles: new ProfileStore(path.join(folder, 'connections.json')),
      credentials,
      createSession: (profile, onChange) => new ServerSession({ profileId: profile.id, http: createServerAxios(profile.url, profile.tls), credentials, onChange }),
      probe: probeServer,
    });
    const handlers = createCoreHandlers({
      connections,
      relay: new StreamRelay({ send: () => {} }),
      updates: new UpdateController({ updater: new EventEmitter() as unknown as AutoUpdaterLike, currentVersion: '0.1.0', enabled: false, feedUrl: null, onChange: () => {} }),
      updateSettings: startUpdateSettings(new UpdateSettingsFile(path.join(folder, 'update-settings.json')), new AutoCheck({ check: async () => undefined })),
      appInfo: () => ({ name: 'SmartCloudOps', version: '0.1.0', platform: 'linux', versions: { electron: '45', chrome: '140', node: '24' }, packaged: false }),
      openExternal: (url) => opened.push(url),
      copyText: (text) => copied.push(text),
      takeNavigation: () => {
        const target = pending;
        pending = null;
        return target;
      },
    });
    const handle = createHandle({ ipcMain: renderer, isTrustedSender: createSenderPolicy(['app://console']) });
    for (const name of Object.keys(handlers) as CoreChannelName[]) handle(name, handlers[name] as never);
  });
  afterAll(async () => {
    await server.close();
    await cleanUp();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('adds a connection, signs in and performs API calls without a secret ever reaching the renderer', async () => {
    const added = await renderer.call('connections.add', { name: 'Local', url: server.url });
    expect(added.ok).toBe(true);
    const id = (added.value as { id: string }).id;
    await expect(renderer.call('connections.test', { id })).resolves.toMatchObject({ ok: true, value: { secure: false } });
    const login = await renderer.call('auth.login', { profileId: id, method: 'password', username: 'admin', password: TEST_ADMIN_PASSWORD, rememberPassword: true });
    expect(login).toMatchObject({ ok: true, value: { profileId: id, state: 'signed-in', user: { username: 'admin' } } });
    await expect(renderer.call('api.request', { method: 'GET', path: '/api/v1/auth/me' })).resolves.toMatchObject({ ok: true, value: { username: 'admin' } });

    const everything = JSON.stringify([login, await renderer.call('connections.list'), await renderer.call('auth.status')]);
    expect(everything).not.toContain(TEST_ADMIN_PASSWORD);
    expect(everything).not.toContain((await credentials.get(id, 'refreshToken'))!);
    expect(everything).toContain('"storedSecrets":["password","refreshToken"]');
  });

  it('keeps the server\'s error codes across IPC', async () => {
    await expect(renderer.call('api.request', { method: 'GET', path: '/api/v1/users/999999' })).resolves.toMatchObject({ ok: false, error: { code: expect.stringMatching(/^E_(NOT_FOUND|FORBIDDEN)$/) } });
    await expect(renderer.call('connections.remove', { id: 'missing' })).resolves.toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    await expect(renderer.call('updates.install')).resolves.toMatchObject({ ok: false, error: { code: 'E_CONFLICT' } });
    await expect(renderer.call('updates.settings')).resolves.toEqual({ ok: true, value: { checkAutomatically: true } });
    await expect(renderer.call('updates.setSettings', { checkAutomatically: false })).resolves.toEqual({ ok: true, value: { checkAutomatically: false } });
    await expect(renderer.call('updates.settings')).resolves.toEqual({ ok: true, value: { checkAutomatically: false } });
    await expect(renderer.call('updates.setSettings', { checkAutomatically: 'yes', extra: 1 })).resolves.toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
  });

  it('copies text for the page, whose clipboard permission is denied', async () => {
    await expect(renderer.call('app.copyText', { text: 'sco_key_123' })).resolves.toEqual({ ok: true, value: null });
    await expect(renderer.call('app.copyText', { text: 42 })).resolves.toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(copied).toEqual(['sco_key_123']);
  });

  it('hands the start-up deep link out once', async () => {
    await expect(renderer.call('app.takeNavigation')).resolves.toEqual({ ok: true, value: { kind: 'incident', incidentId: '42' } });
    await expect(renderer.call('app.takeNavigation')).resolves.toEqual({ ok: true, value: null });
  });

  it('opens only https links outside the app', async () => {
    await expect(renderer.call('app.openExternal', { url: 'https://docs.example.com/runbook' })).resolves.toEqual({ ok: true, value: null });
    await expect(renderer.call('app.openExternal', { url: 'file:///etc/passwd' })).resolves.toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(opened).toEqual(['https://docs.example.com/runbook']);
  });
});

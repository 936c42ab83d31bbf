import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { E2E_ADMIN_PASSWORD, startServer, type RunningServer } from '../e2e/server-process.ts';
import { findElectronBinary } from './electron-binary.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCREENSHOTS = path.resolve(ROOT, 'test-results/screenshots');
export const ADMIN = { username: 'admin', password: E2E_ADMIN_PASSWORD };

/** Skips the calling file's tests, with the reason, where Electron cannot run. */
export function skipWithoutElectron(): string {
  const electron = findElectronBinary();
  test.skip(electron.problem !== null, electron.problem ?? '');
  return electron.executable ?? '';
}

/** A real server on loopback with a fresh data folder, owned by the calling spec. */
export function startTestServer(): Promise<RunningServer> {
  return startServer(ROOT, { SMARTCLOUDOPS_COLLECT_INTERVAL: '2' });
}

export interface LaunchedApp {
  app: ElectronApplication;
  window: Page;
  userData: string;
  close(): Promise<void>;
}

/** Launches the built app with its own user data folder (profiles, window state, cache). */
export async function launchApp(executable: string, userData = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-electron-'))): Promise<LaunchedApp> {
  const app = await _electron.launch({
    executablePath: executable,
    args: [path.join(ROOT, 'out/main/index.js')],
    cwd: ROOT,
    env: { ...process.env, SMARTCLOUDOPS_USER_DATA_DIR: userData, SMARTCLOUDOPS_DISABLE_UPDATES: '1' },
  });
  const window = await app.firstWindow();
  await window.waitForLoadState('domcontentloaded');
  return {
    app,
    window,
    userData,
    async close() {
      await app.close();
    },
  };
}

/** Adds a connection to the test server through the console's connection form and signs in. */
export async function connectAndSignIn(window: Page, serverUrl: string, name = 'E2E server'): Promise<void> {
  const form = window.getByRole('form', { name: 'New server connection' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Server URL').fill(serverUrl);
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByText('Server reachable')).toBeVisible();
  await form.getByRole('button', { name: 'Save' }).click();
  const signIn = window.getByRole('form', { name: 'Sign in' });
  await signIn.getByLabel('Username').fill(ADMIN.username);
  await signIn.getByLabel(/^Password/).fill(ADMIN.password);
  await signIn.getByRole('button', { name: 'Sign in' }).click();
  await expect(window.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

/** Seeds through the HTTP API as admin, as any client would. */
export async function seed(serverUrl: string, apiPath: string, data: unknown): Promise<unknown> {
  const login = await fetch(`${serverUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const response = await fetch(`${serverUrl}/api/v1${apiPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify(data),
  });
  expect(response.ok, `${apiPath}: ${response.status}`).toBe(true);
  return response.status === 204 ? null : response.json();
}

export async function screenshot(window: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await window.screenshot({ path: path.join(SCREENSHOTS, `electron-${name}.png`) });
}

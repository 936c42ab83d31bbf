import { expect, test } from '@playwright/test';
import { launchApp, skipWithoutElectron } from './support.ts';
import type {} from '../../shared/ipc/bridge.ts';

test.describe.configure({ mode: 'serial' });
const executable = skipWithoutElectron();

test('starts one hardened window served from app://console', async () => {
  const { app, window: page, close } = await launchApp(executable);
  try {
    expect(page.url()).toMatch(/^app:\/\/console\//);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

    const exposed = await page.evaluate(() => ({
      node: typeof (globalThis as { require?: unknown }).require !== 'undefined' || typeof (globalThis as { process?: unknown }).process !== 'undefined',
      bridge: Object.entries(window.smartcloudops ?? {}).map(([namespace, members]) => [namespace, Object.values(members as object).every((member) => typeof member === 'function')]),
    }));
    expect(exposed.node).toBe(false);
    expect(exposed.bridge.length).toBeGreaterThan(0);
    expect(exposed.bridge.every(([, onlyFunctions]) => onlyFunctions)).toBe(true);

    const info = await page.evaluate(() => window.smartcloudops!.app.info());
    expect(info).toMatchObject({ ok: true, value: { name: 'SmartCloudOps' } });
  } finally {
    await close();
  }
});

test('denies navigation, new windows and permissions', async () => {
  const { app, window: page, close } = await launchApp(executable);
  try {
    const before = page.url();
    await page.evaluate(() => {
      window.open('https://example.com/popup');
      window.location.href = 'https://example.com/';
    });
    await expect.poll(() => app.windows().length).toBe(1);
    expect(page.url()).toBe(before);
    const permission = await page.evaluate(() => navigator.permissions.query({ name: 'notifications' as PermissionName }).then((status) => status.state));
    expect(permission).not.toBe('granted');
    const refused = await page.evaluate(() => window.smartcloudops!.app.openExternal({ url: 'file:///etc/passwd' }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
  } finally {
    await close();
  }
});

test('remembers the window size and position', async () => {
  const first = await launchApp(executable);
  await first.app.evaluate(({ BrowserWindow }) => {
    const window = BrowserWindow.getAllWindows()[0]!;
    window.setBounds({ x: 40, y: 30, width: 1111, height: 777 });
  });
  await first.close();
  const second = await launchApp(executable, first.userData);
  try {
    const bounds = await second.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getBounds());
    expect(bounds).toMatchObject({ width: 1111, height: 777 });
  } finally {
    await second.close();
  }
});

import { expect, test } from '@playwright/test';
import type { RunningServer } from '../e2e/server-process.ts';
import { connectAndSignIn, launchApp, screenshot, seed, skipWithoutElectron, startTestServer, type LaunchedApp } from './support.ts';

test.describe.configure({ mode: 'serial' });
const executable = skipWithoutElectron();

const HOST = 'electron-e2e-1';
const METRIC = 'electron_e2e_cpu_ratio';
let server: RunningServer;
let desktop: LaunchedApp;

test.beforeAll(async () => {
  server = await startTestServer();
  desktop = await launchApp(executable);
});
test.afterAll(async () => {
  await desktop?.close();
  await server?.stop();
});

test('connects to a real server and shows live data', async () => {
  const now = Date.now();
  await seed(server.url, '/metrics/ingest', { series: [{ name: METRIC, labels: { host: HOST }, samples: Array.from({ length: 30 }, (_, i) => [now - (30 - i) * 10_000, 0.4]) }] });
  await connectAndSignIn(desktop.window, server.url);
  await expect(desktop.window.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  const card = desktop.window.getByRole('button', { name: new RegExp(`^${METRIC}`) });
  await expect(card).toBeVisible();
  await seed(server.url, '/metrics/ingest', { series: [{ name: METRIC, labels: { host: HOST }, samples: [[Date.now(), 0.876]] }] });
  await expect(card.getByTestId('sparkline-value')).toHaveText('0.88');
  await screenshot(desktop.window, 'overview-live');

  // Main holds the session: nothing secret is reachable from the page.
  const visible = await desktop.window.evaluate(() => JSON.stringify({ storage: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
  expect(visible).not.toMatch(/eyJ|refresh/i);
});

test('pins an incident for offline review', async () => {
  await seed(server.url, '/integrations/alertmanager', {
    version: '4',
    status: 'firing',
    alerts: [{ status: 'firing', labels: { alertname: 'DiskFull', host: HOST, severity: 'critical' }, annotations: { summary: `Disk full on ${HOST}` }, startsAt: new Date(Date.now() - 60_000).toISOString() }],
  });
  await desktop.window.getByRole('link', { name: 'Incidents' }).click();
  await desktop.window.getByRole('row', { name: new RegExp(HOST) }).first().click();
  await desktop.window.getByRole('button', { name: /Keep offline/ }).click();
  await expect(desktop.window.getByText(/Available offline/)).toBeVisible();
});

test('goes offline and still reviews the pinned incident from the cache', async () => {
  await server.stop();
  await expect(desktop.window.getByTestId('live-indicator')).not.toHaveAttribute('data-state', 'live');
  await desktop.window.reload();
  await desktop.window.getByRole('link', { name: 'Incidents' }).click();
  await desktop.window.getByRole('row', { name: new RegExp(HOST) }).first().click();
  await expect(desktop.window.getByText(`Disk full on ${HOST}`).first()).toBeVisible();
  await expect(desktop.window.getByText(/offline|cached/i).first()).toBeVisible();
  await screenshot(desktop.window, 'incident-offline');
});

import fs from 'node:fs';
import { expect, request as apiRequest, test, type BrowserContext, type Page } from '@playwright/test';
import { ADMIN, PHONE, Seeder, baseURL, screenshot } from './support.ts';
import { DesktopHost } from './desktop-host.ts';

const HOST = `e2e-capsule-${Date.now()}`;
const METRIC = 'e2e_capsule_disk_ratio';
const TITLE = `DiskFilling: Disk filling on ${HOST}`;
const DESKTOP = { width: 1280, height: 800 };
const ALERT = { alertname: 'DiskFilling', host: HOST, severity: 'critical' };
const SUMMARY = `Disk filling on ${HOST}`;

/**
 * Imported capsules (`#/capsules`, `#/capsules/:id`) end to end: an incident raised on the
 * real server, kept offline and exported as a .scocapsule by the desktop's own main-process
 * code (tests/e2e/desktop-host.ts), imported again, and reviewed from the capsule.
 */
test.describe('imported capsules', () => {
  test.describe.configure({ mode: 'serial' });
  let host: DesktopHost;
  let context: BrowserContext;
  let page: Page;
  let incidentId: number;
  let alertId: number;

  test.beforeAll(async ({ browser }) => {
    host = new DesktopHost(new URL(baseURL()).origin);
    context = await browser.newContext({ viewport: DESKTOP });
    await host.attach(context);
    page = await context.newPage();
  });
  test.afterAll(async () => {
    await context?.close();
    await host?.close();
    // The e2e server is shared with the specs that run after this one (some start from
    // "Nothing is firing"): clear the alert fired here, whether the tests passed or not.
    const api = await apiRequest.newContext();
    try {
      await new Seeder(api).resolveAlert(ALERT, SUMMARY);
    } finally {
      await api.dispose();
    }
  });

  test('connects the desktop console and shows no capsules on a fresh machine', async () => {
    await page.goto(`${baseURL()}/`);
    const form = page.getByRole('form', { name: 'New server connection' });
    await form.getByLabel('Name').fill('E2E server');
    await form.getByLabel('Server URL').fill(baseURL());
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(form.getByText('Server reachable')).toBeVisible();
    await form.getByRole('button', { name: 'Save' }).click();
    const signIn = page.getByRole('form', { name: 'Sign in' });
    await signIn.getByLabel('Username').fill(ADMIN.username);
    await signIn.getByLabel(/^Password/).fill(ADMIN.password);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();

    await page.goto(`${baseURL()}/#/capsules`);
    await expect(page.getByRole('heading', { name: 'Imported capsules' })).toBeVisible();
    await expect(page.getByText('No capsules imported')).toBeVisible();
    await screenshot(page, 'capsules-empty-desktop');
  });

  test('exports an incident as a capsule, imports it and reviews it from the capsule', async ({ request }) => {
    const seeder = new Seeder(request);
    const now = Date.now();
    // Ten minutes of the series the alert names, so the capsule carries a metrics window.
    await seeder.ingest([{ name: METRIC, labels: { host: HOST }, samples: Array.from({ length: 60 }, (_, i) => [now - (60 - i) * 10_000, 0.5 + i / 200]) }]);
    await seeder.fireAlert(ALERT, SUMMARY);
    const alerts = await seeder.call<{ items: Array<{ id: number; incidentId: number | null }> }>('GET', `/alerts?label=host%3D${HOST}`);
    incidentId = alerts.items[0]!.incidentId!;
    alertId = alerts.items[0]!.id;
    expect(incidentId).toEqual(expect.any(Number));
    await seeder.call('POST', `/incidents/${incidentId}/notes`, { text: 'Rotated **old logs** on the host' });

    await page.goto(`${baseURL()}/#/incidents/${incidentId}`);
    await page.getByRole('button', { name: 'Keep offline' }).click();
    await expect(page.getByText(/Kept offline with 1 series/)).toBeVisible();
    await page.getByRole('button', { name: 'Export capsule' }).click();
    await expect(page.getByText(`Capsule saved to ${host.capsuleFile}`)).toBeVisible();
    expect(fs.statSync(host.capsuleFile).size).toBeGreaterThan(0);

    await page.goto(`${baseURL()}/#/capsules`);
    await expect(page.getByText('No capsules imported')).toBeVisible();
    await page.getByRole('button', { name: 'Import capsule' }).click();
    await expect(page).toHaveURL(new RegExp(`#/capsules/${incidentId}$`));
    await expect(page.getByText(new RegExp(`Imported incident #${incidentId} .*\\(1 series`))).toBeVisible();

    await expectCapsulePage(page, incidentId, alertId);
    await screenshot(page, 'capsule-incident-desktop');

    // The list now holds it, and its link opens it again.
    await page.getByRole('link', { name: '← Imported capsules' }).click();
    const link = page.getByRole('table', { name: 'Imported incidents' }).getByRole('link', { name: `#${incidentId} ${TITLE}` });
    await expect(link).toBeVisible();
    await screenshot(page, 'capsules-list-desktop');
    await link.click();
    await expect(page.getByTestId('capsule-origin')).toBeVisible();
  });

  test('fits a phone screen', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${baseURL()}/#/capsules`);
    await expect(page.getByRole('link', { name: `#${incidentId} ${TITLE}` })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling on the list').toBe(true);
    await screenshot(page, 'capsules-list-phone');
    await page.goto(`${baseURL()}/#/capsules/${incidentId}`);
    await expectCapsulePage(page, incidentId, alertId);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling on the capsule').toBe(true);
    await screenshot(page, 'capsule-incident-phone');
    await page.setViewportSize(DESKTOP);
  });

  test('says clearly when the id is not an imported incident', async () => {
    await page.goto(`${baseURL()}/#/capsules/does-not-exist`);
    await expect(page.getByText('No such capsule')).toBeVisible();
    await expect(page.getByText('"does-not-exist" is not an incident number.')).toBeVisible();
    await expect(page.getByRole('main').getByRole('link', { name: 'Imported capsules' })).toHaveAttribute('href', '#/capsules');
    await screenshot(page, 'capsule-unknown-desktop');

    const missing = incidentId + 1000;
    await page.goto(`${baseURL()}/#/capsules/${missing}`);
    await expect(page.getByText('Not in an imported capsule')).toBeVisible();
    await expect(page.getByText(`No capsule opened on this machine holds incident #${missing}. Import its .scocapsule file first.`)).toBeVisible();
    await expect(page.getByRole('main').getByRole('link', { name: 'Imported capsules' })).toHaveAttribute('href', '#/capsules');
  });
});

/** What the capsule page shows of the incident: header, linked alert, metrics chart, timeline with the note. */
async function expectCapsulePage(page: Page, incidentId: number, alertId: number): Promise<void> {
  await expect(page.getByRole('heading', { name: `#${incidentId} ${TITLE}` })).toBeVisible();
  await expect(page.getByTestId('capsule-origin')).toContainText('From an imported capsule');
  // A table on a desktop, a list on a phone: the alert's link either way, pointing into the capsule.
  await expect(page.getByLabel('Linked alerts').getByRole('link', { name: `Disk filling on ${HOST}` })).toHaveAttribute('href', `#/capsules/${incidentId}?alert=${alertId}`);
  // The series the alert names, kept offline and carried in the capsule with its 60 samples:
  // "0 of 0 scored (60 kept)" when exported before the background scoring ran, "… of 60 scored" after.
  await expect(page.getByRole('table', { name: 'Local anomaly scores' }).getByRole('row', { name: new RegExp(`^${METRIC}`) })).toContainText(/\(60 kept\)|of 60 scored/);
  const selector = page.getByTestId('capsule-metrics');
  const chart = selector.getByRole('img', { name: /^Metrics around incident \d+: .*: 1 series/ });
  await expect(chart).toBeVisible();
  expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(10);
  await expect(page.getByRole('heading', { name: 'Timeline' })).toBeVisible();
  await expect(page.getByText(`Incident opened: ${TITLE}`)).toBeVisible();
  // The note as written on the server, Markdown rendered.
  await expect(page.locator('strong', { hasText: 'old logs' })).toBeVisible();
}

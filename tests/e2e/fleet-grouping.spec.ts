import { expect, test } from '@playwright/test';
import { Seeder, baseURL, expectAccessible, onPhoneInLight, screenshot, signIn } from './support.ts';

/**
 * Issue 17, the rest of it: fleet health counted by the server from one inventory, incident
 * grouping set from an admin page, an auto-resolved incident reopened when its alert fires
 * again, and the admin lists as cards on a phone. Each view at 1440 px (dark) and 390 px
 * (light), axe on both. The server is shared with the other specs: everything changed here
 * is put back (grouping defaults, alerts resolved, the webhook deleted).
 */
test.describe.configure({ mode: 'serial' });

const RUN = Date.now().toString(36);
const EXTERNAL = `e2e-fleet-ext-${RUN}`;
const FLEET_ALERT = { alertname: 'E2eFleetProbe', service: `e2e-fleet-${RUN}`, instance: `${EXTERNAL}:9100`, severity: 'warning' };
const FLEET_SUMMARY = `Fleet probe on ${EXTERNAL}`;
const REOPEN_ALERT = { alertname: 'E2eFlapping', service: `e2e-flap-${RUN}`, host: `e2e-flap-${RUN}-1`, severity: 'critical' };
const REOPEN_SUMMARY = `Flapping check on e2e-flap-${RUN}-1`;

interface FleetHealth { total: number; healthy: number; unhealthy: number; unknown: number; targets: Array<{ name: string; health: string; reasons: string[] }> }

test('the overview counts fleet health from the server: an instance named only by an alert is counted once, never subtracted', async ({ page, browser, request }) => {
  const seeder = new Seeder(request);
  await seeder.fireAlert(FLEET_ALERT, FLEET_SUMMARY);
  try {
    const fleet = await expect.poll(async () => (await seeder.call<FleetHealth>('GET', '/fleet/health?limit=1000')).targets.find((one) => one.name === EXTERNAL)?.health ?? null).toBe('unhealthy')
      .then(() => seeder.call<FleetHealth>('GET', '/fleet/health?limit=1000'));
    expect(fleet.healthy + fleet.unhealthy + fleet.unknown).toBe(fleet.total);
    expect(fleet.targets.filter((one) => one.name === EXTERNAL)).toHaveLength(1);

    await signIn(page);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    const card = page.getByTestId('fleet-health');
    // What the card says is what the server counted (polled: the host collector keeps reporting).
    await expect.poll(async () => {
      const api = await seeder.call<FleetHealth>('GET', '/fleet/health?limit=1000');
      const shown = (await card.locator('p').first().textContent()) ?? '';
      return shown.replace(/\s+/g, ' ').trim() === `${api.healthy} / ${api.total} healthy`;
    }).toBe(true);
    expect(await card.locator('p').first().textContent()).not.toMatch(/^-/);
    await expect(card.getByTestId('fleet-unhealthy').filter({ hasText: EXTERNAL })).toContainText('E2eFleetProbe (warning) firing');
    await screenshot(page, 'console-fleet-health-card');
    await page.getByRole('button', { name: /targets and why/ }).click();
    const drawer = page.getByRole('dialog', { name: /Fleet · \d+ of \d+ healthy/ });
    const item = drawer.getByRole('listitem', { name: EXTERNAL });
    await expect(item).toContainText('unhealthy');
    await expect(item).toContainText('E2eFleetProbe (warning) firing');
    await expect(item).toContainText('alerts');
    await screenshot(page, 'console-fleet-health');
    await expectAccessible(page);
    await page.keyboard.press('Escape');

    await onPhoneInLight(browser, '/', 'console-fleet-health', async (phone) => {
      await expect(phone.getByTestId('fleet-health')).toContainText('healthy');
      await screenshot(phone, 'console-fleet-health-card-phone-light');
      await phone.getByRole('button', { name: /targets and why/ }).click();
      await expect(phone.getByRole('dialog', { name: /Fleet · / }).getByRole('listitem', { name: EXTERNAL })).toContainText('E2eFleetProbe (warning) firing');
    }, { noSidewaysScroll: true });
  } finally {
    await seeder.resolveAlert(FLEET_ALERT, FLEET_SUMMARY);
  }
});

test('an admin sets incident grouping from its page, with validation, then puts the defaults back', async ({ page, browser, request }) => {
  const seeder = new Seeder(request);
  try {
    await signIn(page);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incident grouping' }).click();
    await expect(page.getByRole('heading', { name: 'Incident grouping' })).toBeVisible();
    const groupBy = page.getByRole('textbox', { name: /Group alerts by/ });
    await expect(groupBy).toHaveValue('alertname, service|job');
    await expect(page.getByTestId('grouping-example')).toContainText('alertname=HighErrorRate,service=checkout');

    // A wrong label and a window out of range are refused in the form, with the reason.
    await groupBy.fill('alertname, cluster-name');
    await expect(page.getByText('"cluster-name" is not a label name')).toBeVisible();
    const window = page.getByRole('textbox', { name: /Window \(minutes\)/ });
    await window.fill('0');
    await expect(page.getByText(/A whole number of minutes from 1 to 10080/)).toBeVisible();
    await page.getByRole('button', { name: 'Save grouping' }).click();
    expect((await seeder.call<{ updatedAt: number | null }>('GET', '/incidents/grouping')).updatedAt).toBeNull();

    await groupBy.fill('alertname, cluster | region');
    await expect(page.getByTestId('grouping-example')).toContainText('joins the group alertname=HighErrorRate.');
    await window.fill('45');
    const autoResolve = page.getByRole('switch', { name: /Resolve an incident when all its alerts resolve/ });
    await expect(autoResolve).toBeChecked();
    await autoResolve.locator('xpath=ancestor::label[1]').click();
    await expect(autoResolve).not.toBeChecked();
    await screenshot(page, 'console-incident-grouping');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Save grouping' }).click();
    await expect(page.getByText('Incident grouping saved')).toBeVisible();
    await expect(page.getByTestId('grouping-updated')).toContainText('Last changed by admin');
    const saved = await seeder.call<{ effective: unknown; override: unknown }>('GET', '/incidents/grouping');
    expect(saved.override).toEqual({ groupBy: ['alertname', 'cluster|region'], windowMinutes: 45, autoResolve: false });
    expect(saved.effective).toEqual({ groupBy: ['alertname', 'cluster|region'], windowMinutes: 45, autoResolve: false });
    await expect(page.getByText('set here')).toHaveCount(3);

    await onPhoneInLight(browser, '/admin/incident-grouping', 'console-incident-grouping', async (phone) => {
      await expect(phone.getByRole('textbox', { name: /Group alerts by/ })).toHaveValue('alertname, cluster|region');
    }, { noSidewaysScroll: true });

    // The audit log has it.
    await page.goto(`${baseURL()}/#/admin/audit`);
    await expect(page.getByText('incident.grouping_update').first()).toBeVisible();

    // Back to the defaults from the page: every part follows the environment again.
    await page.goto(`${baseURL()}/#/admin/incident-grouping`);
    await page.getByRole('button', { name: 'Use the defaults' }).click();
    await expect(page.getByRole('textbox', { name: /Group alerts by/ })).toHaveValue('alertname, service|job');
    await page.getByRole('button', { name: 'Save grouping' }).click();
    await expect.poll(async () => (await seeder.call<{ override: unknown }>('GET', '/incidents/grouping')).override).toEqual({ groupBy: null, windowMinutes: null, autoResolve: null });
    await expect(page.getByText('set here')).toHaveCount(0);
  } finally {
    // Whatever happened above, the specs after this one group with the defaults.
    await seeder.call('PUT', '/incidents/grouping', { groupBy: null, windowMinutes: null, autoResolve: null });
  }
});

test('an auto-resolved incident reopens when its alert fires again, and says so in its timeline', async ({ page, browser, request }) => {
  const seeder = new Seeder(request);
  type AlertPage = { items: Array<{ incidentId: number | null; state: string; annotations: Record<string, string> }> };
  const ours = async () => (await seeder.call<AlertPage>('GET', `/alerts?limit=500&q=${encodeURIComponent(REOPEN_SUMMARY)}`)).items.find((alert) => alert.annotations.summary === REOPEN_SUMMARY);
  await seeder.fireAlert(REOPEN_ALERT, REOPEN_SUMMARY);
  try {
    await expect.poll(async () => (await ours())?.incidentId ?? null).not.toBeNull();
    const incidentId = (await ours())!.incidentId!;
    await seeder.resolveAlert(REOPEN_ALERT, REOPEN_SUMMARY);
    await expect.poll(async () => (await seeder.call<{ incident: { status: string } }>('GET', `/incidents/${incidentId}`)).incident.status).toBe('resolved');
    await seeder.fireAlert(REOPEN_ALERT, REOPEN_SUMMARY);
    await expect.poll(async () => (await seeder.call<{ incident: { status: string } }>('GET', `/incidents/${incidentId}`)).incident.status).toBe('open');
    expect((await ours())!.incidentId).toBe(incidentId);

    await signIn(page);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await page.goto(`${baseURL()}/#/incidents/${incidentId}`);
    await expect(page.getByTestId('incident-counts')).toContainText('1 firing');
    await expect(page.getByText(/Incident reopened: E2eFlapping on e2e-flap-.*-1 fired again (under a minute|\d+ min) after it was resolved/)).toBeVisible();
    await expect(page.getByText(/Resolved automatically/)).toBeVisible();
    await screenshot(page, 'console-incident-reopened');
    await expectAccessible(page);
    await onPhoneInLight(browser, `/incidents/${incidentId}`, 'console-incident-reopened', async (phone) => {
      await expect(phone.getByText(/Incident reopened: E2eFlapping/)).toBeVisible();
    }, { noSidewaysScroll: true });
  } finally {
    await seeder.resolveAlert(REOPEN_ALERT, REOPEN_SUMMARY);
  }
});

test('admin lists are cards on a phone: alert rules, webhooks, users and anomaly models', async ({ browser, request }) => {
  const seeder = new Seeder(request);
  // A switched-off webhook: listed, never sent to.
  const hook = await seeder.call<{ id: number }>('POST', '/webhooks', { name: `e2e-cards-${RUN}`, url: 'https://hooks.example.invalid/e2e', format: 'json', minSeverity: 'critical', enabled: false });
  try {
    await onPhoneInLight(browser, '/admin/alert-rules', 'console-alert-rules-cards', async (phone) => {
      const list = phone.getByRole('list', { name: 'Alert rules' });
      await expect(list.getByRole('listitem').first()).toBeVisible();
      await expect(phone.getByRole('table', { name: 'Alert rules' })).toHaveCount(0);
      // The default host rules: each card names its rule, shows its condition and its actions.
      const cpu = list.getByRole('listitem', { name: 'HostHighCpu' });
      await expect(cpu).toContainText('Condition');
      await expect(cpu.getByRole('button', { name: 'Edit HostHighCpu' })).toBeVisible();
      await expect(cpu.getByRole('switch')).toBeVisible();
    }, { noSidewaysScroll: true });
    await onPhoneInLight(browser, '/admin/webhooks', 'console-webhooks-cards', async (phone) => {
      const card = phone.getByRole('list', { name: 'Webhooks' }).getByRole('listitem', { name: `e2e-cards-${RUN}` });
      await expect(card).toContainText('hooks.example.invalid/e2e');
      await expect(card.getByRole('button', { name: `Send a test to e2e-cards-${RUN}` })).toBeVisible();
      await expect(phone.getByRole('table', { name: 'Webhooks' })).toHaveCount(0);
    }, { noSidewaysScroll: true });
    await onPhoneInLight(browser, '/admin/users', 'console-users-cards', async (phone) => {
      const admin = phone.getByRole('list', { name: 'Users' }).getByRole('listitem', { name: 'admin' });
      await expect(admin).toContainText('Created');
      await expect(admin.getByLabel('Role of admin')).toHaveValue('admin');
      await expect(phone.getByRole('table', { name: 'Users' })).toHaveCount(0);
    }, { noSidewaysScroll: true });
    await onPhoneInLight(browser, '/admin/anomaly-models', 'console-anomaly-models-cards', async (phone) => {
      const list = phone.getByRole('list', { name: 'Anomaly models' });
      await expect(list.getByRole('listitem').first()).toBeVisible();
      await expect(list.getByRole('listitem').first()).toContainText('Samples');
      await expect(phone.getByRole('table', { name: 'Anomaly models' })).toHaveCount(0);
    }, { noSidewaysScroll: true });
  } finally {
    await seeder.call('DELETE', `/webhooks/${hook.id}`);
  }
});

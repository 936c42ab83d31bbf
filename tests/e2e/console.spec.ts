import { expect, test } from '@playwright/test';
import { ADMIN, Seeder, baseURL, expectAccessible, onPhoneInLight, screenshot, signIn } from './support.ts';

test.describe.configure({ mode: 'serial' });

const HOST = 'e2e-web-1';
const METRIC = 'e2e_cpu_usage_ratio';
/** How long the anomaly test waits for a model and a scored anomaly: a ceiling, not an expectation. */
const TRAINING_CEILING_MS = 480_000;

test('signs in and shows the overview with live metrics arriving', async ({ page, request }) => {
  const seeder = new Seeder(request);
  const now = Date.now();
  const history: Array<[number, number]> = Array.from({ length: 60 }, (_, i) => [now - (60 - i) * 10_000, 0.3 + 0.1 * Math.sin(i / 5)]);
  await seeder.ingest([{ name: METRIC, labels: { host: HOST }, samples: history }]);

  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  const sparkline = page.getByTestId('overview-sparkline').first();
  await expect(sparkline).not.toHaveAttribute('data-points', '0');

  // New samples reach the open page through the stream, without a reload.
  const card = page.getByRole('button', { name: new RegExp(`^${METRIC}`) });
  await expect(card).toBeVisible();
  await seeder.ingest([{ name: METRIC, labels: { host: HOST }, samples: [[Date.now(), 0.987]] }]);
  // A ratio reads as a percentage (shared/metrics/units.ts).
  await expect(card.getByTestId('sparkline-value')).toHaveText('98.7%');
  await screenshot(page, 'overview');
  await expectAccessible(page);

  // A reload keeps the session (refresh token in this tab's sessionStorage, access token renewed).
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByLabel('Username')).toHaveCount(0);
});

test('finds a series from the command palette and zooms its chart by brushing', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.keyboard.press('/');
  await page.getByRole('textbox', { name: 'Command palette search' }).fill(HOST);
  await screenshot(page, 'command-palette');
  await page.getByRole('button', { name: new RegExp(`${METRIC}\\{host="${HOST}"\\}`) }).click();
  await expect(page).toHaveURL(new RegExp(`name=${METRIC}`));
  await page.goto(`${baseURL()}/#/metrics?name=${METRIC}&labels=host%3D${HOST}&range=60m`);
  const overlay = page.getByTestId('chart-overlay');
  await expect(overlay).toBeVisible();
  await expect(page.getByTestId('series-line').first()).toBeVisible();
  const box = await overlay.boundingBox();
  if (!box) throw new Error('chart has no box');
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(page).toHaveURL(/range=\d+\.\.\d+/);
  await expect(page.getByRole('button', { name: 'Reset zoom' })).toBeVisible();
  await expect(page.getByTestId('series-line').first()).toBeVisible();
  await screenshot(page, 'metrics-zoomed');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Reset zoom' }).click();
  await expect(page).toHaveURL(/range=60m/);
});

test('acknowledges an alert from the keyboard and silences it', async ({ page, request }) => {
  const seeder = new Seeder(request);
  await signIn(page);
  await page.goto(`${baseURL()}/#/alerts`);
  await expect(page.getByText('Nothing is firing')).toBeVisible();
  // The alert arrives while the page is open: a toast, and the list refreshes from the stream.
  await seeder.fireAlert({ alertname: 'HighCpu', host: HOST, severity: 'critical' }, `CPU above 95% on ${HOST}`);
  await expect(page.getByText('Critical alert firing')).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(`CPU above 95% on ${HOST}`) });
  await expect(row).toBeVisible();
  await screenshot(page, 'alerts');
  await expectAccessible(page);

  await page.keyboard.press('j');
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('a');
  const ack = page.getByRole('dialog', { name: 'Acknowledge' });
  await ack.getByLabel('Comment').fill('Looking into it from e2e');
  await ack.getByRole('button', { name: 'Acknowledge' }).click();
  await page.getByText('All', { exact: true }).click();
  await expect(page.getByRole('row', { name: new RegExp(`CPU above 95% on ${HOST}.*acknowledged`) })).toBeVisible();

  const listed = page.getByRole('row', { name: new RegExp(`CPU above 95% on ${HOST}`) });
  await listed.getByRole('button', { name: /More actions/ }).click();
  await page.getByRole('menuitem', { name: /Silence/ }).click();
  const silence = page.getByRole('dialog', { name: 'New silence' });
  await expect(silence.getByLabel('Matcher 1 label')).not.toHaveValue('');
  await silence.getByLabel('Why').fill('Maintenance window (e2e)');
  await screenshot(page, 'silence-form');
  await silence.getByRole('button', { name: 'Silence' }).click();
  await page.goto(`${baseURL()}/#/silences`);
  await expect(page.getByRole('row', { name: /Maintenance window \(e2e\)/ })).toBeVisible();
  await expectAccessible(page);
});

test('writes an incident note and exports the postmortem', async ({ page, request }) => {
  const seeder = new Seeder(request);
  await seeder.fireAlert({ alertname: 'DiskFull', host: HOST, severity: 'warning' }, `Disk almost full on ${HOST}`);
  await signIn(page);
  await page.goto(`${baseURL()}/#/incidents`);
  const first = page.getByRole('table', { name: 'Incidents' }).getByRole('link').first();
  await expect(first).toBeVisible();
  await first.click();
  await expect(page.getByRole('heading', { level: 2, name: 'Timeline' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Add a note' }).fill('Rolled back the deploy; CPU back to normal (e2e)');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByText('Rolled back the deploy; CPU back to normal (e2e)')).toBeVisible();
  await screenshot(page, 'incident-detail');
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Export' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Postmortem (Markdown)' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^incident-\d+\.md$/);
  const text = await (await file.createReadStream()).toArray();
  expect(Buffer.concat(text).toString('utf8')).toContain('Rolled back the deploy');
});

test('creates a user and an API key, and finds both in the audit log', async ({ page }) => {
  await signIn(page);
  await page.goto(`${baseURL()}/#/admin/users`);
  await page.getByRole('button', { name: 'New user' }).click();
  const userDialog = page.getByRole('dialog', { name: 'New user' });
  await userDialog.getByLabel('Username').fill('e2e-operator');
  await userDialog.getByLabel('Initial password').fill('e2e-operator-password-1');
  await userDialog.getByRole('combobox', { name: 'Role' }).click();
  await page.getByRole('option', { name: 'operator' }).click();
  await userDialog.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('row', { name: /e2e-operator/ })).toBeVisible();
  await screenshot(page, 'admin-users');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Reset password of e2e-operator' }).click();
  const resetDialog = page.getByRole('dialog', { name: 'Reset password' });
  await resetDialog.getByLabel(/^Temporary password/).fill('e2e-temporary-password-2');
  await resetDialog.getByRole('button', { name: 'Reset password' }).click();
  await expect(page.getByRole('row', { name: /e2e-operator.*must choose a password/ })).toBeVisible();

  await page.goto(`${baseURL()}/#/admin/api-keys`);
  await page.getByRole('button', { name: 'New API key' }).click();
  const keyDialog = page.getByRole('dialog', { name: 'New API key' });
  await keyDialog.getByLabel('Name').fill('e2e-grafana');
  await keyDialog.getByRole('button', { name: 'Create key' }).click();
  await expect(keyDialog.getByTestId('api-key-secret')).toHaveText(/^sco_/);
  await screenshot(page, 'api-key-secret');
  await keyDialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('row', { name: /e2e-grafana/ })).toBeVisible();

  await page.goto(`${baseURL()}/#/admin/audit`);
  const entries = page.getByRole('table', { name: 'Audit entries' });
  for (const action of ['user.create', 'user.password_reset', 'apikey.create', 'auth.login']) await expect(entries.getByText(action, { exact: true }).first()).toBeVisible();
  await page.getByLabel('Action').fill('alert.*');
  await expect(entries.getByRole('row').nth(1)).toBeVisible();
  await page.getByLabel('Action').fill('');
  await screenshot(page, 'audit-log');
  await expectAccessible(page);
});

test('a new user must choose a password at first sign-in', async ({ page, request }) => {
  const seeder = new Seeder(request);
  await seeder.call('POST', '/users', { username: 'e2e-newcomer', password: 'temporary-password-1', role: 'viewer', mustChangePassword: true });
  await signIn(page, 'e2e-newcomer', 'temporary-password-1');
  await expect(page.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Current password').fill('temporary-password-1');
  await page.getByLabel(/^New password/).fill('my-own-password-123');
  await page.getByLabel('Repeat new password').fill('my-own-password-123');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  // A viewer sees no admin pages.
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
});

test('an anomaly shows its explanation, the metrics around it, and ranks on the overview', async ({ page, request, browser }) => {
  // Training a model is CPU-bound: next to another CPU-heavy job it takes minutes.
  test.setTimeout(1_200_000);
  const seeder = new Seeder(request);
  const target = 'e2e-anomalous-1';
  const now = Date.now();
  const normal = (base: number, i: number) => base + 0.02 * Math.sin(i / 10) + 0.004 * ((i * 7919) % 13) / 13;
  const history = (base: number) => Array.from({ length: 600 }, (_, i) => [now - (600 - i) * 60_000, normal(base, i)] as [number, number]);
  await seeder.ingest([
    { name: 'e2e_cpu_ratio', labels: { host: target }, samples: history(0.3) },
    { name: 'e2e_mem_ratio', labels: { host: target }, samples: history(0.5) },
  ]);
  await expect.poll(async () => (await seeder.call<{ targets: Array<{ target: string; activeModelId: number | null }> }>('GET', '/anomaly/status')).targets.find((t) => t.target === target)?.activeModelId ?? null, { timeout: TRAINING_CEILING_MS }).not.toBeNull();
  await expect.poll(async () => {
    const at = Date.now();
    await seeder.ingest([
      { name: 'e2e_cpu_ratio', labels: { host: target }, samples: [[at, 0.98]] },
      { name: 'e2e_mem_ratio', labels: { host: target }, samples: [[at, 0.95]] },
    ]);
    return (await seeder.call<unknown[]>('GET', `/anomaly/events?target=${target}`)).length;
  }, { timeout: TRAINING_CEILING_MS }).toBeGreaterThan(0);

  await signIn(page);
  await expect(page.getByTestId('most-anomalous')).toContainText(target);
  await page.goto(`${baseURL()}/#/anomalies`);
  const card = page.getByRole('article', { name: `Anomaly on ${target}` }).first();
  await expect(card).toBeVisible();
  await expect(card.getByRole('table', { name: 'Explanation by metric' })).toContainText('e2e_cpu_ratio');
  await expect(card.getByText(/σ above/).first()).toBeVisible();
  await expect(card.getByTestId('series-line').first()).toBeVisible();
  await expect(card.getByTestId('anomaly-band').first()).toBeAttached();
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'anomalies');
  await expectAccessible(page);
  // The explanation table and the chart fit a phone.
  await onPhoneInLight(browser, '/anomalies', 'anomalies', async (phone) => {
    await expect(phone.getByRole('article', { name: `Anomaly on ${target}` }).first().getByRole('table', { name: 'Explanation by metric' })).toContainText('e2e_cpu_ratio');
  }, { noSidewaysScroll: true });
});

test('the light theme: sign-in and overview', async ({ browser }) => {
  // Every view's accessibility in both themes is a11y.spec.ts's; this keeps the light screenshots.
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${baseURL()}/`);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await screenshot(page, 'login-light');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('overview-sparkline').first()).not.toHaveAttribute('data-points', '0');
  await screenshot(page, 'overview-light');
  await context.close();
});

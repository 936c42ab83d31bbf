import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { PHONE, Seeder, baseURL, expectAccessible, screenshot, signIn } from './support.ts';

test.describe.configure({ mode: 'serial' });

/** Unique per run: the e2e server is shared by every spec. */
const RUN = Date.now().toString(36);
const SERVICE = `e2e-api-${RUN}`;
const ALERT = `HighErrorRateE2E${RUN}`;

/** Sends one Alertmanager notification (version 4) with its group, as Alertmanager does. */
async function notify(request: APIRequestContext, key: string, groupLabels: Record<string, string>, alerts: Array<{ labels: Record<string, string>; summary: string }>): Promise<number[]> {
  const groupKey = `{}:{${Object.entries(groupLabels).map(([name, value]) => `${name}="${value}"`).join(', ')}}`;
  const response = await request.post(`${baseURL()}/api/v1/integrations/alertmanager`, {
    headers: { authorization: `Bearer ${key}` },
    data: {
      version: '4', status: 'firing', receiver: 'smartcloudops', groupKey, groupLabels,
      alerts: alerts.map(({ labels, summary }) => ({ status: 'firing', labels, annotations: { summary }, startsAt: new Date(Date.now() - 60_000).toISOString() })),
    },
  });
  expect(response.ok(), await response.text()).toBeTruthy();
  return ((await response.json()) as { alertIds: number[] }).alertIds;
}

let errorsIncident = 0;

/** Three instances of one error-rate alert of one service, in one Alertmanager group: one incident. Sent once per run. */
async function seedErrorsIncident(request: APIRequestContext): Promise<number> {
  if (errorsIncident) return errorsIncident;
  const seeder = new Seeder(request);
  const key = (await seeder.call<{ secret: string }>('POST', '/api-keys', { name: `e2e-grouping-${RUN}`, role: 'operator' })).secret;
  const ids = await notify(request, key, { alertname: ALERT, service: SERVICE }, [1, 2, 3].map((n) => ({
    labels: { alertname: ALERT, service: SERVICE, instance: `${SERVICE}-${n}:9100`, severity: 'critical' },
    summary: `Error rate above 5% on ${SERVICE}-${n}`,
  })));
  const alerts = await Promise.all(ids.map((id) => seeder.call<{ incidentId: number }>('GET', `/alerts/${id}`)));
  expect(new Set(alerts.map((alert) => alert.incidentId)).size).toBe(1);
  errorsIncident = alerts[0]!.incidentId;
  return errorsIncident;
}

test('groups an Alertmanager notification into one incident, then splits and merges it from the incident page', async ({ page, request }) => {
  const seeder = new Seeder(request);
  await seedErrorsIncident(request);

  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.goto(`${baseURL()}/#/incidents/${errorsIncident}`);
  await expect(page.getByRole('heading', { name: new RegExp(`#${errorsIncident} ${ALERT} on ${SERVICE}`) })).toBeVisible();
  await expect(page.getByTestId('incident-counts')).toContainText('3 firing, 0 resolved of 3 alerts');
  await expect(page.getByTestId('incident-counts')).toContainText(`alertmanager:alertname=${ALERT},service=${SERVICE}`);

  // Split the third instance off into its own incident.
  await page.getByRole('button', { name: 'Split…' }).click();
  const splitDialog = page.getByRole('dialog', { name: `Split alerts out of #${errorsIncident}` });
  // On a loaded machine the dialog's list can re-render (a live refetch of the incident) between
  // the click and Playwright's look at the box, undoing it: check again until it holds.
  const third = splitDialog.getByLabel(`Error rate above 5% on ${SERVICE}-3 (firing)`);
  await expect(async () => {
    await third.check();
    await expect(third).toBeChecked({ timeout: 500 });
  }).toPass();
  await splitDialog.getByLabel('Title of the new incident').fill(`${SERVICE}-3 on its own`);
  await screenshot(page, 'incident-split');
  await expectAccessible(page);
  await splitDialog.getByRole('button', { name: 'Split', exact: true }).click();
  await expect(page.getByRole('heading', { name: new RegExp(`${SERVICE}-3 on its own`) })).toBeVisible();
  const splitId = Number(/#\/incidents\/(\d+)/.exec(page.url())?.[1]);
  expect(splitId).toBeGreaterThan(errorsIncident);
  await expect(page.getByTestId('incident-counts')).toContainText('1 firing, 0 resolved of 1 alert');
  expect((await seeder.call<{ incident: { alertCount: number } }>('GET', `/incidents/${errorsIncident}`)).incident.alertCount).toBe(2);

  // And merge it back.
  await page.goto(`${baseURL()}/#/incidents/${errorsIncident}`);
  await expect(page.getByTestId('incident-counts')).toContainText('2 firing, 0 resolved of 2 alerts');
  await page.getByRole('button', { name: 'Merge…' }).click();
  const mergeDialog = page.getByRole('dialog', { name: `Merge incidents into #${errorsIncident}` });
  await mergeDialog.getByRole('combobox', { name: 'Incidents to merge in' }).click();
  await page.getByRole('option', { name: new RegExp(`^#${splitId} `) }).click();
  // Close the option list (it covers the buttons) without closing the dialog.
  await mergeDialog.getByText('Their alerts and timelines move into this incident').click();
  await screenshot(page, 'incident-merge');
  await mergeDialog.getByRole('button', { name: 'Merge', exact: true }).click();
  await expect(mergeDialog).toBeHidden();
  await expect(page.getByTestId('incident-counts')).toContainText('3 firing, 0 resolved of 3 alerts');
  const merged = await seeder.call<{ incident: { status: string; mergedInto: number } }>('GET', `/incidents/${splitId}`);
  expect(merged.incident).toMatchObject({ status: 'resolved', mergedInto: errorsIncident });
  await expectAccessible(page);
});

async function openPalette(page: Page, query: string) {
  await page.keyboard.press('/');
  const search = page.getByRole('textbox', { name: 'Command palette search' });
  await expect(search).toBeVisible();
  await search.fill(query);
}

for (const size of [{ name: 'desktop', viewport: null }, { name: 'phone', viewport: PHONE }] as const) {
  test(`the command palette finds alerts and incidents on the server by label and number (${size.name})`, async ({ page, request }) => {
    await seedErrorsIncident(request);
    if (size.viewport) await page.setViewportSize(size.viewport);
    await signIn(page);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();

    // A label value only the server knows about (nothing in the cache names this instance).
    await openPalette(page, `${SERVICE}-2`);
    await expect(page.getByRole('button', { name: new RegExp(`^Error rate above 5% on ${SERVICE}-2`) })).toBeVisible();
    await expect(page.getByRole('button', { name: new RegExp(`^#${errorsIncident} ${ALERT}`) })).toBeVisible();
    await screenshot(page, `palette-search-${size.name}`);
    await expectAccessible(page);

    // By alert name, then by number.
    await page.getByRole('textbox', { name: 'Command palette search' }).fill(ALERT.toLowerCase());
    await expect(page.getByRole('button', { name: new RegExp(`^Error rate above 5% on ${SERVICE}-1`) })).toBeVisible();
    await page.getByRole('textbox', { name: 'Command palette search' }).fill(`#${errorsIncident}`);
    const byNumber = page.getByRole('button', { name: new RegExp(`^#${errorsIncident} ${ALERT}`) });
    await expect(byNumber).toBeVisible();
    await byNumber.click();
    await expect(page).toHaveURL(new RegExp(`#/incidents/${errorsIncident}$`));
    await expect(page.getByTestId('incident-counts')).toContainText('of 3 alerts');
  });
}

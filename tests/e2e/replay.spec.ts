import { expect, test, type Page } from '@playwright/test';
import { Seeder, baseURL, expectAccessible, screenshot, signIn } from './support.ts';

/**
 * Time-travel replay of an incident (issue 17, item 10) in the browser build: the scrubber
 * over its window shows metrics, alert states and the timeline as they were at that instant.
 * (The desktop reads the same view from its pinned copy; see ReplayView.test.tsx.)
 */
test.describe.configure({ mode: 'serial' });

const HOST = 'e2e-replay-1';
const SUMMARY = `Search latency high on ${HOST}`;

interface AlertPage { items: Array<{ id: number; incidentId: number | null; annotations: Record<string, string> }> }

async function seedIncident(seeder: Seeder): Promise<number> {
  const now = Date.now();
  await seeder.ingest([{ name: 'e2e_replay_latency_seconds', labels: { host: HOST, service: 'search' }, samples: Array.from({ length: 90 }, (_, i) => [now - (90 - i) * 20_000, 0.2 + (i > 60 ? 1.5 : 0) + 0.05 * Math.sin(i)] as [number, number]) }]);
  await seeder.fireAlert({ alertname: 'SearchLatencyHigh', service: 'search', host: HOST, severity: 'critical' }, SUMMARY);
  const alert = await expect.poll(async () => (await seeder.call<AlertPage>('GET', '/alerts?state=firing&limit=500')).items.find((a) => a.annotations.summary === SUMMARY)?.incidentId ?? null).not.toBeNull().then(async () =>
    (await seeder.call<AlertPage>('GET', '/alerts?state=firing&limit=500')).items.find((a) => a.annotations.summary === SUMMARY)!);
  await seeder.call('POST', `/incidents/${alert.incidentId}/notes`, { text: 'Rolled back **search-indexer** v42' });
  await seeder.call('POST', `/alerts/${alert.id}/acknowledge`, { comment: 'Looking (e2e replay)' });
  return alert.incidentId!;
}

async function instant(page: Page): Promise<number> {
  return Number(await page.getByTestId('replay-instant').getAttribute('data-at'));
}

test('replay: scrub an incident and see alert states, notes and metrics as they were', async ({ page, request, browser }) => {
  test.setTimeout(900_000);
  const incidentId = await seedIncident(new Seeder(request));
  await signIn(page);
  await page.goto(`${baseURL()}/#/incidents/${incidentId}`);
  await page.getByRole('link', { name: 'Replay', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`#/incidents/${incidentId}/replay$`));

  // At the opening: the alert fires, nobody has acknowledged or written anything yet.
  const counts = page.getByTestId('replay-counts');
  await expect(counts).toHaveText(/^1 firing · 0 acknowledged/);
  await expect(page.getByRole('list', { name: 'Timeline at this instant' })).not.toContainText('search-indexer');
  await expect(page.getByTestId('replay-metric').first()).toContainText('e2e_replay_latency_seconds');
  const visibleAtOpening = Number(await page.getByTestId('replay-sparkline').first().getAttribute('data-visible'));
  expect(visibleAtOpening).toBeGreaterThan(0);

  // Step through the events: the note appears (rendered Markdown) before the acknowledgement.
  const timeline = page.getByRole('list', { name: 'Timeline at this instant' });
  const next = page.getByRole('button', { name: 'Next event' });
  let previous = await instant(page);
  for (let step = 0; step < 6 && (await timeline.locator('strong').count()) === 0; step++) {
    await next.click();
    await expect.poll(() => instant(page)).toBeGreaterThan(previous);
    previous = await instant(page);
  }
  await expect(timeline.locator('strong')).toHaveText('search-indexer');
  await expect(counts).toHaveText(/^1 firing · 0 acknowledged/);
  // The slider is a keyboard control too: End jumps to the end of the window.
  await page.getByRole('slider', { name: 'Replay instant' }).focus();
  await page.keyboard.press('End');
  await expect(counts).toHaveText(/^0 firing · 1 acknowledged/);
  await expect(page.getByRole('list', { name: 'Alerts at this instant' })).toContainText('by admin');
  const visibleAtEnd = Number(await page.getByTestId('replay-sparkline').first().getAttribute('data-visible'));
  expect(visibleAtEnd).toBeGreaterThanOrEqual(visibleAtOpening);
  await screenshot(page, 'replay-desktop');
  await expectAccessible(page);

  // Home goes back to the start of the window, before the incident opened.
  await page.keyboard.press('Home');
  await expect(page.getByText(/before it opened/)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Incident at this instant' })).toContainText('not opened yet');
  // Only the samples taken before that instant are drawn as known.
  expect(Number(await page.getByTestId('replay-sparkline').first().getAttribute('data-visible'))).toBeLessThan(visibleAtEnd);

  // Phone width, light theme: the same view stacks and passes axe.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'light', isMobile: true, hasTouch: true });
  const phonePage = await phone.newPage();
  await signIn(phonePage);
  await expect(phonePage.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await phonePage.goto(`${baseURL()}/#/incidents/${incidentId}/replay`);
  await expect(phonePage.getByTestId('replay-counts')).toBeVisible();
  expect(await phonePage.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling').toBe(true);
  await screenshot(phonePage, 'replay-phone');
  await expectAccessible(phonePage);
  await phone.close();
});

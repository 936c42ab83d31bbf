import { expect, test } from '@playwright/test';
import { PHONE, Seeder, baseURL, expectHeaderFits, expectNoTruncatedBadges, screenshot, signIn } from './support.ts';

/**
 * Long content as production has it: host names of cloud instances, label values without a
 * space, summaries with paths. It wraps or breaks; it never clips a badge to "CRITIC…" nor
 * widens a phone's page and pushes the header's controls off screen.
 */
test.describe.configure({ mode: 'serial' });

const LONG_HOST = 'ip-10-123-45-67.eu-west-1.compute.internal.e2e-long-content-cluster-production-node-pool-a';
const LONG_VALUE = `e2e-long-label-value-without-spaces-${'x'.repeat(120)}`;
const SUMMARY = 'Disk almost full on the primary replica: /var/lib/postgresql/data/pg_wal/0000000100000000000000AB keeps growing and the archiver has fallen behind by more than an hour';
const METRIC = 'e2e_long_requests_per_second';

test('long host names and label values: badges whole, no sideways scroll on a phone', async ({ browser, request }) => {
  test.setTimeout(1_200_000);
  const seeder = new Seeder(request);
  const labels = { alertname: 'E2eLongContent', service: 'e2e-long-content', severity: 'critical', instance: LONG_HOST, long_label: LONG_VALUE };
  await seeder.fireAlert(labels, SUMMARY);
  const now = Date.now();
  await seeder.ingest([0, 1].map((i) => ({
    name: METRIC,
    labels: { host: i === 0 ? LONG_HOST : 'e2e-long-2', region: LONG_VALUE },
    samples: Array.from({ length: 10 }, (_, m) => [now - (10 - m) * 60_000, 10 + m + i] as [number, number]),
  })));

  // Desktop: the alerts table gives the long alert its room, and its badges stay whole.
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  const deskPage = await desk.newPage();
  try {
    await signIn(deskPage);
    await expect(deskPage.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await deskPage.goto(`${baseURL()}/#/alerts`);
    await expect(deskPage.getByRole('table', { name: 'Alerts' }).getByText(SUMMARY)).toBeVisible();
    await expectNoTruncatedBadges(deskPage);
    await screenshot(deskPage, 'long-content-alerts-desktop');

    await deskPage.getByRole('table', { name: 'Alerts' }).getByRole('link', { name: /incident #/ }).first().click();
    await expect(deskPage.getByRole('heading', { level: 1 })).toContainText('E2eLongContent');
    await expect(deskPage.getByTestId('incident-metrics')).toContainText(LONG_VALUE);
    await expectNoTruncatedBadges(deskPage);
    await screenshot(deskPage, 'long-content-incident-desktop');

    // The incidents list beside the navigation: its long title and group key wrap inside their
    // column, so the short columns keep one line ("Last activity", "1 firing / 1" ran over three)
    // and at 1024 px the table still fits its box (Status to Last activity were pushed out of it).
    for (const width of [1440, 1024]) {
      await deskPage.setViewportSize({ width, height: 900 });
      await deskPage.goto(`${baseURL()}/#/incidents`);
      const table = deskPage.getByRole('table', { name: 'Incidents' });
      await expect(table.getByText(SUMMARY, { exact: false })).toBeVisible();
      await expect.poll(() => table.evaluate((element) => {
        // Wrapped: one piece of the cell's text sits wholly below another.
        const wraps = (cell: Element) => {
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          const rects: DOMRect[] = [];
          for (let node = walker.nextNode(); node; node = walker.nextNode()) { const range = document.createRange(); range.selectNodeContents(node); rects.push(...range.getClientRects()); }
          return rects.some((a) => rects.some((b) => b.top >= a.bottom - 1));
        };
        const cells = [...element.querySelectorAll('thead th'), ...[...element.querySelectorAll('tbody tr')].flatMap((row) => [...row.querySelectorAll('td')].slice(2))];
        const frame = element.closest('.mantine-Paper-root')!.getBoundingClientRect();
        return { wrapped: cells.filter(wraps).map((cell) => cell.textContent), pastFrame: element.getBoundingClientRect().right > frame.right + 1 };
      }), { message: `incidents table at ${width} px` }).toEqual({ wrapped: [], pastFrame: false });
    }
    await screenshot(deskPage, 'long-content-incidents-1024');
  } finally {
    await desk.close();
  }

  // Phone: the incident (its selector names the long label value) and the explorer legend.
  const phone = await browser.newContext({ viewport: PHONE, colorScheme: 'light', isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  try {
    await signIn(page);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await page.goto(`${baseURL()}/#/incidents`);
    await page.getByLabel('Search incidents').fill('E2eLongContent');
    await page.getByRole('link', { name: /E2eLongContent/ }).first().click();
    await expect(page.getByTestId('incident-metrics')).toContainText(LONG_VALUE);
    await expect(page.getByTestId('incident-metrics').getByText("This server has none of the incident's series")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width of the incident').toBeLessThanOrEqual(PHONE.width);
    await expectHeaderFits(page, PHONE.width);
    await expectNoTruncatedBadges(page);
    await screenshot(page, 'long-content-incident-phone-light');

    // Its linked alert opens the alert drawer, full width: the title's path wraps inside it.
    await page.getByTestId('incident-metrics').scrollIntoViewIfNeeded();
    await page.getByRole('link', { name: SUMMARY }).first().click();
    const drawer = page.getByRole('dialog');
    await expect(drawer.getByRole('heading', { name: SUMMARY })).toBeVisible();
    // Polled: while the drawer slides in from the right, everything in it is still offset.
    await expect.poll(() => drawer.locator('h2, a, p').evaluateAll((elements) =>
      elements.filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1).map((element) => element.textContent?.slice(0, 60))), { message: 'text running off the alert drawer' }).toEqual([]);
    await screenshot(page, 'long-content-alert-drawer-phone-light');
    await page.keyboard.press('Escape');

    await page.goto(`${baseURL()}/#/metrics?name=${METRIC}`);
    await expect(page.getByLabel('Legend')).toContainText(LONG_VALUE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width of the explorer').toBeLessThanOrEqual(PHONE.width);
    await expectHeaderFits(page, PHONE.width);
    await screenshot(page, 'long-content-metrics-phone-light');

    // The audit log's six columns: one card per entry (the page was 706 px wide before).
    await page.goto(`${baseURL()}/#/admin/audit`);
    await expect(page.getByRole('list', { name: 'Audit entries' }).getByRole('listitem').first()).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width of the audit log').toBeLessThanOrEqual(PHONE.width);
    await expectHeaderFits(page, PHONE.width);
    await screenshot(page, 'long-content-audit-phone-light');

    // The stream lost: the phone's live indicator names the state whole ("RECONNEC…" before).
    await page.route(/\/api\/v1\/stream/, (route) => route.abort('connectionrefused'));
    await page.reload();
    const indicator = page.getByTestId('live-indicator');
    await expect(indicator).not.toHaveAttribute('data-state', 'live');
    await expect(indicator).toHaveAttribute('data-state', /reconnecting|offline/);
    const label = indicator.locator('.mantine-Badge-label');
    await expect(label).toHaveText(/^(Reconnecting|Offline)$/i);
    expect(await label.evaluate((element) => element.scrollWidth <= element.clientWidth), 'live indicator not cut').toBe(true);
    await expectHeaderFits(page, PHONE.width);
    await screenshot(page, 'long-content-reconnecting-phone-light');
  } finally {
    await phone.close();
  }
});

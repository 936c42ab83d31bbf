import { expect, test } from '@playwright/test';
import { Seeder, baseURL, expectNothingPastCardEdges, screenshot, signIn } from './support.ts';

/**
 * An alert summary with a long path (no space to wrap at) on the incident page at 1440 px:
 * the linked alerts table ran 12 px past its card, its state badge over the border.
 */
test('desktop: a long unbroken path in a linked alert stays inside its card', async ({ page, request }) => {
  const seeder = new Seeder(request);
  const summary = 'web is not answering on /health at /var/lib/smartcloudops/e2e/really/long/path/to/a/health/check/endpoint';
  await seeder.fireAlert({ alertname: 'E2eLongSummaryPath', service: 'web', severity: 'critical' }, summary);

  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.goto(`${baseURL()}/#/incidents`);
  await page.getByLabel('Search incidents').fill('E2eLongSummaryPath');
  await page.getByRole('link', { name: /E2eLongSummaryPath/ }).first().click();
  await expect(page.getByRole('table', { name: 'Linked alerts' }).getByRole('link', { name: summary })).toBeVisible();
  await expectNothingPastCardEdges(page);
  await screenshot(page, 'incident-long-summary-desktop');
});

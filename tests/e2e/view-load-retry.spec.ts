import { expect, test } from '@playwright/test';
import { baseURL, signIn } from './support.ts';

/**
 * Each page's code loads on its first visit. When that load fails (server restarting,
 * network gone) the page says the server cannot be reached, not "The server failed … check
 * the server log" (E_INTERNAL), and Retry loads it once the server answers again: React
 * keeps a failed lazy import for good, so Retry used to show the same error until a reload.
 */
test('a page whose code cannot be fetched says so, and Retry loads it once the server is back', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();

  const chunk = '**/assets/RunbooksView-*.js';
  await page.route(chunk, (route) => route.abort('connectionrefused'));
  await page.goto(`${baseURL()}/#/runbooks`);
  const panel = page.getByRole('alert').filter({ hasText: 'This view failed' });
  await expect(panel).toBeVisible();
  await expect(panel.getByText('E_NETWORK', { exact: true })).toBeVisible();
  await expect(panel).toContainText('could not be fetched from the server');
  await expect(panel).toContainText('Check that the server is running');

  await page.unroute(chunk);
  await panel.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('heading', { name: 'Runbooks', level: 1 })).toBeVisible();
});

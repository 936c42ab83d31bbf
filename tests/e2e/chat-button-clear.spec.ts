import { expect, test } from '@playwright/test';
import { baseURL, signIn } from './support.ts';

/**
 * The ChatOps button floats over the bottom right corner of every page. The page must
 * leave room for it: scrolled to the end, the page's last line sits above the button,
 * not under it (it hid the last "8 h ago" of the overview's Firing now).
 */
test('scrolled to the end, no page content is left under the floating ChatOps button', async ({ page }) => {
  // The overview has its sections whatever the data: taller than this window.
  await page.setViewportSize({ width: 1440, height: 400 });
  await signIn(page);
  await page.goto(`${baseURL()}/#/`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open ChatOps chat' })).toBeVisible();
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const room = await page.evaluate(() => {
    const main = document.querySelector('main')!;
    const contentBottom = main.getBoundingClientRect().bottom - parseFloat(getComputedStyle(main).paddingBottom);
    const buttonTop = document.querySelector('[aria-label="Open ChatOps chat"]')!.getBoundingClientRect().top;
    return { contentBottom, buttonTop, taller: main.scrollHeight > window.innerHeight };
  });
  expect(room.taller, 'the overview is taller than the window').toBe(true);
  expect(room.contentBottom, 'the content ends above the button').toBeLessThanOrEqual(room.buttonTop);
});

import { expect, test } from '@playwright/test';
import { baseURL, signIn } from './support.ts';

/**
 * A keyboard user reached a page's content only after the header and all 24 navigation
 * links, on every page. The first Tab now offers "Skip to content", shown while focused.
 */
test('desktop: the first Tab offers Skip to content, which takes focus to the page', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.goto(`${baseURL()}/#/alerts`);
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();

  await page.locator('body').focus();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('button', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  // The next stop is in the page itself, not in the header or the navigation.
  expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);
  await expect(page).toHaveURL(/#\/alerts$/);
});

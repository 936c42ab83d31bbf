import { expect, test } from '@playwright/test';
import { PHONE, signedInOnPhone } from './support.ts';

/**
 * A keyboard on a phone-sized window (a tablet with a keyboard, a narrow desktop window, a
 * switch device): every Tab stop is on screen. The closed navigation drawer slides out of
 * view but its links stayed in the tab order, so focus vanished for 25 presses.
 */
test('phone: Tab never lands in the closed navigation; opened, its links are reachable', async ({ browser }) => {
  await signedInOnPhone(browser, {}, async (page) => {
    const navigation = page.locator('.mantine-AppShell-navbar');

    const stops: Array<{ html: string; inNavigation: boolean; onScreen: boolean }> = [];
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      stops.push(await page.evaluate(({ width, height }) => {
        const element = document.activeElement as HTMLElement;
        const box = element.getBoundingClientRect();
        return {
          html: element.outerHTML.slice(0, 80),
          inNavigation: element.closest('.mantine-AppShell-navbar') !== null,
          onScreen: box.right > 0 && box.left < width && box.bottom > 0 && box.top < height,
        };
      }, PHONE));
    }
    expect(stops.filter((stop) => stop.inNavigation || !stop.onScreen)).toEqual([]);

    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await expect(navigation.getByRole('link', { name: 'Alerts' })).toBeInViewport();
    await navigation.getByRole('link', { name: 'Overview' }).focus();
    await expect(navigation.getByRole('link', { name: 'Overview' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(navigation.getByRole('link', { name: 'Metrics', exact: true })).toBeFocused();
  });
});

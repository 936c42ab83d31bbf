import { expect, test } from '@playwright/test';
import { signedInOnPhone } from './support.ts';

/**
 * The overview's sparklines on a phone: a long metric name is cut with "…" and the latest
 * value stays on one line. Both shrank in their row, and "909 B/s" broke into two lines.
 */
test('phone: each sparkline shows its latest value on one line', async ({ browser }) => {
  await signedInOnPhone(browser, {}, async (page) => {
    // The server collects its own host: the network series has the longest name and a unit.
    const card = page.getByRole('button', { name: /node_network_receive_bytes_per_second/ }).first();
    const value = card.getByTestId('sparkline-value');
    await expect(value).toHaveText(/\d/);
    const lines = await value.evaluate((element) => element.getBoundingClientRect().height / parseFloat(getComputedStyle(element).lineHeight));
    expect(lines).toBeLessThan(1.5);
  });
});

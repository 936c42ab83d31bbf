import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Seeder, baseURL, screenshot, signedInOnPhone } from './support.ts';

/**
 * An incident's suggested runbooks on a phone: a long runbook title and its parameters
 * wrap, and the Run… button stays whole inside the card (it was cut to "Ru" at its edge).
 */
test('phone: a suggested runbook with a long title keeps its Run… button on screen', async ({ browser, request }) => {
  const dir = process.env.E2E_RUNBOOKS_DIR;
  if (!dir) throw new Error('E2E_RUNBOOKS_DIR is not set: run through tests/e2e/playwright.config.ts');
  fs.writeFileSync(path.join(dir, 'e2e-suggested-long.yaml'), `id: e2e-suggested-long
title: Restart the web service on a very long named production host cluster
params:
  service: { type: string, maxLength: 100 }
triggers:
  - match: { alertname: E2eSuggestedLong }
    params: { service: "{{labels.service}}" }
steps:
  - name: echo
    run: [/usr/bin/echo, "{{params.service}}"]
safety: { mode: manual }
`);
  const seeder = new Seeder(request);
  await expect.poll(async () => (await seeder.call<{ runbooks: Array<{ id: string }> }>('GET', '/runbooks')).runbooks.map((r) => r.id)).toContain('e2e-suggested-long');
  await seeder.fireAlert({ alertname: 'E2eSuggestedLong', service: 'web-frontend-eu-west-1', severity: 'warning' }, 'web-frontend is not answering');

  await signedInOnPhone(browser, { colorScheme: 'light' }, async (page) => {
    await page.goto(`${baseURL()}/#/incidents`);
    await page.getByLabel('Search incidents').fill('E2eSuggestedLong');
    await page.getByRole('link', { name: /E2eSuggestedLong/ }).first().click();
    const card = page.getByLabel('Suggested runbooks');
    const run = card.getByRole('button', { name: 'Run…' });
    await expect(run).toBeVisible();
    const [cardBox, runBox] = [await card.boundingBox(), await run.boundingBox()];
    expect(runBox!.x + runBox!.width, 'Run… inside its card').toBeLessThanOrEqual(cardBox!.x + cardBox!.width);
    // The button shrank in its row and clipped its own label: measure the label, not the box.
    const label = run.locator('.mantine-Button-label');
    expect(await label.evaluate((element) => element.scrollWidth <= element.clientWidth), 'Run… label whole').toBe(true);
    expect(await run.evaluate((button) => button.getBoundingClientRect().width >= button.scrollWidth), 'Run… not shrunk').toBe(true);
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'suggested-runbooks-phone-light');
  });
});

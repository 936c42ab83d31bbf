import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PHONE, Seeder, baseURL, screenshot, signedInOnPhone } from './support.ts';

const TITLE = 'Restart the web service on a very long named production host cluster';

/**
 * The recent runs on a phone scroll sideways in their own box; a long runbook title there
 * was squeezed into a column of about 80 px, one word a line, each row 200 px tall.
 */
test('phone: recent runs give a long runbook title a readable column', async ({ browser, request }) => {
  const dir = process.env.E2E_RUNBOOKS_DIR;
  if (!dir) throw new Error('E2E_RUNBOOKS_DIR is not set: run through tests/e2e/playwright.config.ts');
  fs.writeFileSync(path.join(dir, 'e2e-runs-long-title.yaml'), `id: e2e-runs-long-title
title: ${TITLE}
steps:
  - name: echo
    run: [/usr/bin/echo, ok]
safety: { mode: auto }
`);
  const seeder = new Seeder(request);
  await expect.poll(async () => (await seeder.call<{ runbooks: Array<{ id: string }> }>('GET', '/runbooks')).runbooks.map((r) => r.id)).toContain('e2e-runs-long-title');
  const run = await seeder.call<{ id: number }>('POST', '/runbooks/e2e-runs-long-title/runs', { dryRun: true });

  await signedInOnPhone(browser, { colorScheme: 'light' }, async (page) => {
    await page.goto(`${baseURL()}/#/runbooks`);
    const row = page.getByRole('table', { name: 'Recent runs' }).getByRole('row').filter({ hasText: `#${run.id}` });
    const title = row.getByRole('cell').nth(1).getByText(TITLE);
    await expect(title).toBeVisible();
    // At most three lines of 14 px text (about 22 px each), not one word a line.
    expect((await title.boundingBox())!.height).toBeLessThan(70);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling of the page').toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'runbook-runs-phone-light');

    // The runbooks list: one card per runbook with every column on the phone's screen. It was
    // a table held at 480 px wide, so Steps and Triggers sat past the edge behind a scrollbar
    // at the end of the list.
    const card = page.getByRole('list', { name: 'Runbooks' }).getByRole('listitem').filter({ hasText: TITLE });
    await expect(card.getByRole('link', { name: TITLE })).toBeVisible();
    for (const term of ['Mode', 'Steps', 'Triggers']) {
      const box = (await card.getByText(term, { exact: true }).boundingBox())!;
      expect(box.x + box.width, `${term} on screen`).toBeLessThanOrEqual(PHONE.width);
    }
  });
});

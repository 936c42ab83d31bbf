import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Seeder, baseURL, signIn } from './support.ts';

// Cancel run on the run page (docs/runbooks.md, "Cancel"): a running step is stopped after a
// confirmation, and the page follows the run to `cancelled` on the stream.
test('cancel a running run from its page, after a confirmation', async ({ page, request }) => {
  const dir = process.env.E2E_RUNBOOKS_DIR;
  if (!dir) throw new Error('E2E_RUNBOOKS_DIR is not set: run through tests/e2e/playwright.config.ts');
  fs.writeFileSync(path.join(dir, 'e2e-sleep.yaml'), `id: e2e-sleep
title: Sleep a minute
steps:
  - name: sleep
    run: [/usr/bin/sleep, "60"]
  - name: after
    run: [/usr/bin/true]
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100, concurrency: 10 }
`);
  const seeder = new Seeder(request);
  await expect.poll(async () => (await seeder.call<{ runbooks: Array<{ id: string }> }>('GET', '/runbooks')).runbooks.map((r) => r.id)).toContain('e2e-sleep');
  const run = await seeder.call<{ id: number }>('POST', '/runbooks/e2e-sleep/runs', {});

  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.goto(`${baseURL()}/#/runbook-runs/${run.id}`);
  await expect(page.getByTestId('run-state').first()).toHaveText('running');
  await page.getByRole('button', { name: 'Cancel run' }).click();
  const dialog = page.getByRole('dialog', { name: `Cancel run #${run.id}?` });
  await expect(dialog).toContainText('not even the rollback');
  await dialog.getByLabel('Reason (optional)').fill('wrong host');
  await dialog.getByRole('button', { name: 'Cancel run' }).click();

  await expect(page.getByTestId('run-state').first()).toHaveText('cancelled');
  await expect(page.getByTestId('run-reason')).toHaveText(/cancelled by .*: wrong host/);
  await expect(page.getByRole('button', { name: 'Cancel run' })).toHaveCount(0);
});

import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Seeder, onPhoneInLight, signIn } from './support.ts';

const OPERATOR = { username: 'e2e-approver', password: 'e2e-approver-password-1' };
const MESSAGE = 'hello; rm -rf / $(id)';

test('run dialog: form from the param schema, plan preview, dry run, request; a second user approves from the queue', async ({ page, browser, request }) => {
  const dir = process.env.E2E_RUNBOOKS_DIR;
  if (!dir) throw new Error('E2E_RUNBOOKS_DIR is not set: run through tests/e2e/playwright.config.ts');
  fs.writeFileSync(path.join(dir, 'e2e-echo.yaml'), `id: e2e-echo
title: Echo a message
description: Prints the message, one argument whatever it holds.
params:
  message: { type: string, maxLength: 100 }
  level: { type: string, enum: [low, high], default: low }
steps:
  - name: echo
    run: [/usr/bin/echo, "{{params.level}}", "{{params.message}}"]
safety: { mode: approve, approvers: 1 }
`);
  const seeder = new Seeder(request);
  await seeder.call('POST', '/users', { ...OPERATOR, role: 'operator', mustChangePassword: false });
  await expect.poll(async () => (await seeder.call<{ runbooks: Array<{ id: string }> }>('GET', '/runbooks')).runbooks.map((r) => r.id)).toContain('e2e-echo');

  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.getByRole('link', { name: 'Runbooks' }).click();
  await page.getByRole('link', { name: 'Echo a message' }).click();
  await expect(page.getByRole('heading', { name: 'Echo a message' })).toBeVisible();
  await page.getByRole('button', { name: 'Run…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Run: Echo a message' });
  await dialog.getByLabel('message').fill(MESSAGE);
  await dialog.getByRole('combobox', { name: 'level' }).click();
  await page.getByRole('option', { name: 'high' }).click();
  await dialog.getByRole('button', { name: 'Preview plan' }).click();
  const plan = dialog.getByTestId('plan-preview');
  await expect(plan).toContainText(`"/usr/bin/echo" "high" ${JSON.stringify(MESSAGE)}`);
  await expect(plan.getByTestId('plan-blocked')).toHaveText('within limits');
  await dialog.getByRole('button', { name: 'Dry run' }).click();
  await expect(dialog.getByTestId('dry-run')).toContainText('would run');
  await dialog.getByRole('button', { name: 'Request run' }).click();

  await expect(page.getByTestId('run-state').first()).toHaveText('pending approval');
  const runUrl = page.url();
  await expect(page.getByTestId('approvals-badge')).toHaveText('1');
  // The requester cannot approve their own run.
  await expect(page.getByRole('button', { name: 'Approve' })).toBeDisabled();
  // Said in words beside it: a disabled button shows no tooltip, and a phone has no hover.
  await expect(page.getByText('Another person must approve your request')).toBeVisible();

  const other = await browser.newContext();
  const approver = await other.newPage();
  await signIn(approver, OPERATOR.username, OPERATOR.password);
  await expect(approver.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await approver.getByRole('link', { name: /Approvals/ }).click();
  const row = approver.getByTestId('approval-row').filter({ hasText: 'Echo a message' });
  await expect(row).toContainText(MESSAGE);
  await expect(row.getByRole('button', { name: 'Approve' })).toBeEnabled();
  await expect(row.getByText('Another person must approve your request')).toHaveCount(0);
  await row.getByRole('button', { name: 'Approve' }).click();
  await expect(approver.getByTestId('approval-row')).toHaveCount(0);
  await other.close();

  // The requester's open run page follows the stream to the end.
  expect(page.url()).toBe(runUrl);
  await expect(page.getByTestId('run-state').first()).toHaveText('succeeded');
  await expect(page.getByTestId('step-output')).toHaveText(`high ${MESSAGE}`);
  await expect(page.getByTestId('approvals-badge')).toHaveCount(0);

  // On a phone the runbook list and the recent runs stay within the screen: a wide table
  // scrolls in its own box instead of widening the page and pushing the header off it.
  await onPhoneInLight(browser, '/runbooks', 'runbooks', async (phone) => {
    await expect(phone.getByRole('link', { name: 'Echo a message' }).first()).toBeVisible();
    await expect(phone.getByText('succeeded').first()).toBeVisible();
  }, { noSidewaysScroll: true });
});

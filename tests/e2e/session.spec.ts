import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../../server/src/testing/test-server.ts';

/**
 * The web transport's token renewal, against a server whose access tokens live 2 s: after
 * they expire the console renews once through the refresh token and carries on, and a
 * revoked refresh token sends the user back to the sign-in form with nothing left behind.
 */
let server: TestServer;
const ACCESS_TOKEN_SECONDS = 2;

test.beforeAll(async () => {
  server = await startTestServer({ listen: true, accessTokenTtlSeconds: ACCESS_TOKEN_SECONDS, config: { webRoot: path.resolve(import.meta.dirname, '../../out/web') } });
});
test.afterAll(async () => {
  await server.close();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel(/^Password/).fill(TEST_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

test('renews an expired access token once and carries on', async ({ page }) => {
  await signIn(page);
  const refreshes: number[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/api/v1/auth/refresh')) refreshes.push(response.status());
  });
  // Let the access token expire.
  await page.waitForTimeout((ACCESS_TOKEN_SECONDS + 1) * 1000);
  await page.goto(`${server.url}/#/admin/users`);
  await expect(page.getByRole('table', { name: 'Users' })).toContainText('admin');
  expect(refreshes).toContain(200);
  expect(await page.evaluate(() => sessionStorage.getItem('smartcloudops.refreshToken'))).toBeTruthy();
});

test('a refused refresh token ends the session cleanly', async ({ page }) => {
  await signIn(page);
  await page.evaluate(() => sessionStorage.setItem('smartcloudops.refreshToken', 'revoked-or-forged'));
  await page.waitForTimeout((ACCESS_TOKEN_SECONDS + 1) * 1000);
  await page.goto(`${server.url}/#/admin/audit`);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem('smartcloudops.refreshToken'))).toBeNull();
});

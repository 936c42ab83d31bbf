import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../../server/src/testing/test-server.ts';

/**
 * The web transport's token renewal: once the access token has expired the console renews
 * once through the refresh token and carries on, and a revoked refresh token sends the
 * user back to the sign-in form with nothing left behind. Access tokens run on a clock the
 * test moves, so they expire when the test says, not after a wall-clock wait that a
 * loaded machine can overrun (signing in alone can take longer than a short TTL).
 */
let server: TestServer;
const ACCESS_TOKEN_SECONDS = 300;
let clockOffsetMs = 0;

/** Moves the access tokens' clock past their lifetime. */
function expireAccessTokens(): void {
  clockOffsetMs += (ACCESS_TOKEN_SECONDS + 1) * 1000;
}

test.beforeAll(async () => {
  server = await startTestServer({
    listen: true,
    tokenClock: () => Date.now() + clockOffsetMs,
    accessTokenTtlSeconds: ACCESS_TOKEN_SECONDS,
    config: { webRoot: path.resolve(import.meta.dirname, '../../out/web') },
  });
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
  expireAccessTokens();
  await page.goto(`${server.url}/#/admin/users`);
  await expect(page.getByRole('table', { name: 'Users' })).toContainText('admin');
  expect(refreshes).toContain(200);
  expect(await page.evaluate(() => sessionStorage.getItem('smartcloudops.refreshToken'))).toBeTruthy();
});

test('a refused refresh token ends the session cleanly', async ({ page }) => {
  await signIn(page);
  await page.evaluate(() => sessionStorage.setItem('smartcloudops.refreshToken', 'revoked-or-forged'));
  expireAccessTokens();
  await page.goto(`${server.url}/#/admin/audit`);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem('smartcloudops.refreshToken'))).toBeNull();
});

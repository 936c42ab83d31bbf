import { defineConfig } from '@playwright/test';

/**
 * The desktop app end to end: the built app (out/) launched through Playwright's
 * `_electron` against a real server on loopback. Runs wherever the Electron binary exists
 * (the GitHub workflow, under xvfb); elsewhere every test skips with the reason.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './global-setup.ts',
  outputDir: '../../test-results/electron',
  fullyParallel: false,
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
});

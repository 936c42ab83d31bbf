import { defineConfig } from '@playwright/test';

/**
 * The web console end to end: a real server on loopback (started by global-setup.ts with
 * a fresh data folder and the freshly built console), driven in Debian's Chromium.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './global-setup.ts',
  outputDir: '../../test-results/e2e',
  fullyParallel: false,
  workers: 1,
  // Ceilings, not expectations: tests wait on conditions, and on a busy 2-core machine
  // (other jobs, a CPU-heavy benchmark) a page, a chart or an axe run can take many
  // times longer than on an idle one. A stuck test still fails, just later.
  // An axe run over a full page alone took over 3 minutes next to bench:anomaly.
  // Specs do not lower these: a spec's own shorter ceiling is what failed under load before.
  timeout: 600_000,
  expect: { timeout: 90_000 },
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    colorScheme: 'dark',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
  },
});

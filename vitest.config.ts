import { defineConfig } from 'vitest/config';

// One config, several projects: each folder's tests run in the environment its code runs in.
// Timeouts are ceilings for a hung test, not expectations: tests wait on conditions, and on a
// 2-core machine running other CPU-heavy work (load average 30 has been seen) a test that
// takes 3 s when quiet takes 40 s, so the ceilings are generous.
const CEILING = { testTimeout: 120_000, hookTimeout: 180_000 };

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', include: ['shared/**/*.test.ts'], environment: 'node', ...CEILING } },
      { test: { name: 'server', include: ['server/**/*.test.ts'], environment: 'node', ...CEILING } },
      { test: { name: 'electron', include: ['electron/**/*.test.ts'], environment: 'node', ...CEILING, globalSetup: ['electron/test/keyring-setup.ts'] } },
      { test: { name: 'scripts', include: ['scripts/**/*.test.ts', 'bench/**/*.test.ts'], environment: 'node', ...CEILING } },
      {
        extends: './renderer/vite.config.ts',
        test: { name: 'renderer', include: ['renderer/**/*.test.{ts,tsx}'], environment: 'jsdom', setupFiles: ['renderer/src/test/setup.ts'], ...CEILING },
      },
    ],
  },
});

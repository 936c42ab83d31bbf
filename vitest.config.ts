import { defineConfig } from 'vitest/config';

// One config, several projects: each folder's tests run in the environment its code runs in.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', include: ['shared/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'server', include: ['server/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 60_000 } },
      { test: { name: 'electron', include: ['electron/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 60_000, globalSetup: ['electron/test/keyring-setup.ts'] } },
      { test: { name: 'scripts', include: ['scripts/**/*.test.ts', 'bench/**/*.test.ts'], environment: 'node', testTimeout: 60_000 } },
      {
        extends: './renderer/vite.config.ts',
        test: { name: 'renderer', include: ['renderer/**/*.test.{ts,tsx}'], environment: 'jsdom', setupFiles: ['renderer/src/test/setup.ts'] },
      },
    ],
  },
});

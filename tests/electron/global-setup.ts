import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { findElectronBinary } from './electron-binary.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Builds the desktop bundles for the Electron tests (each spec starts its own real server,
 * so it can take it away). Where Electron cannot run there is nothing to prepare: every
 * test skips and says why.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const electron = findElectronBinary();
  if (electron.problem) {
    console.log(`[electron e2e] ${electron.problem}; the Electron end-to-end tests will skip.`);
    return async () => {};
  }
  if (!process.env.E2E_SKIP_BUILD) {
    const build = spawnSync(path.join(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('electron-vite build failed');
  }
  return async () => {};
}

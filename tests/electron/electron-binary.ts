import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ELECTRON_PACKAGE = path.resolve(import.meta.dirname, '../../node_modules/electron');

/**
 * The Electron executable, or why there is none. Deliberately not `require('electron')`:
 * that downloads the binary from GitHub when it is missing, which must never happen as a
 * side effect of a test run (the workflow installs it explicitly with install-electron).
 */
export function findElectronBinary(): { executable: string; problem: null } | { executable: null; problem: string } {
  const pathFile = path.join(ELECTRON_PACKAGE, 'path.txt');
  if (!fs.existsSync(pathFile)) {
    return { executable: null, problem: 'Electron binary not available: node_modules/electron/path.txt is missing (the binary was never downloaded; run `npx install-electron` where GitHub is reachable)' };
  }
  const executable = path.join(ELECTRON_PACKAGE, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  try {
    fs.accessSync(executable, fs.constants.X_OK);
  } catch {
    return { executable: null, problem: `Electron binary not available: ${executable} is missing or not executable` };
  }
  const version = spawnSync(executable, ['--version'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 30_000 });
  if (version.status !== 0) {
    return { executable: null, problem: `Electron binary not available: \`${executable} --version\` failed (${version.error?.message ?? version.stderr.trim() ?? `exit ${version.status}`})` };
  }
  return { executable, problem: null };
}

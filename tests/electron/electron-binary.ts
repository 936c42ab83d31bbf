import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { findElectronBinary as locateElectron } from '../../scripts/electron-binary.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The Electron executable, or why there is none: located without `require('electron')`
 * (which would download it as a side effect), then asked for its version, so a binary that
 * exists but cannot start on this machine also counts as missing.
 */
export function findElectronBinary(): { executable: string; problem: null } | { executable: null; problem: string } {
  const located = locateElectron(ROOT);
  if (!located.available) return { executable: null, problem: `Electron binary not available: ${located.reason}` };
  const version = spawnSync(located.path, ['--version'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 30_000 });
  if (version.status !== 0) {
    const why = version.error?.message ?? (version.stderr.trim() || `exit code ${version.status}`);
    return { executable: null, problem: `Electron binary not available: \`${located.path} --version\` failed (${why})` };
  }
  return { executable: located.path, problem: null };
}

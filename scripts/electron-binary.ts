// Where the Electron binary is, without triggering the electron package's lazy download
// (requiring 'electron' from Node downloads it, which cannot work on machines without
// access to GitHub). Used by `npm start` and the Electron end-to-end tests.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type ElectronBinary = { available: true; path: string } | { available: false; reason: string };

export function findElectronBinary(root = process.cwd()): ElectronBinary {
  const packageDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { available: false, reason: 'the Electron binary is not installed (node_modules/electron/path.txt is missing; Electron downloads it from GitHub on first use, which this machine cannot reach)' };
  }
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distRoot = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
  const binary = path.join(distRoot, relative);
  return existsSync(binary) ? { available: true, path: binary } : { available: false, reason: `the Electron binary ${binary} does not exist` };
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWebConsole, startServer } from './server-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Builds the console, starts the real server, and hands its URL to the tests. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!process.env.E2E_SKIP_BUILD) buildWebConsole(ROOT);
  // Runbook files are written by the specs (runbooks.spec.ts) into a folder they know.
  const runbooksDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-e2e-runbooks-'));
  const server = await startServer(ROOT, { SMARTCLOUDOPS_COLLECT_INTERVAL: '2', SMARTCLOUDOPS_RUNBOOKS_DIR: runbooksDir });
  process.env.E2E_BASE_URL = server.url;
  process.env.E2E_RUNBOOKS_DIR = runbooksDir;
  return async () => {
    await server.stop();
    fs.rmSync(runbooksDir, { recursive: true, force: true });
  };
}

import path from 'node:path';
import { buildWebConsole, startServer } from './server-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Builds the console, starts the real server, and hands its URL to the tests. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!process.env.E2E_SKIP_BUILD) buildWebConsole(ROOT);
  const server = await startServer(ROOT, { SMARTCLOUDOPS_COLLECT_INTERVAL: '2' });
  process.env.E2E_BASE_URL = server.url;
  return () => server.stop();
}

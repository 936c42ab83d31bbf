import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWebConsole, E2E_ADMIN_PASSWORD, startServer } from './server-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Builds the console, starts the real server, and hands its URL to the tests. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!process.env.E2E_SKIP_BUILD) buildWebConsole(ROOT);
  // Runbook files are written by the specs (runbooks.spec.ts) into a folder they know.
  const runbooksDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-e2e-runbooks-'));
  const server = await startServer(ROOT, { SMARTCLOUDOPS_COLLECT_INTERVAL: '2', SMARTCLOUDOPS_RUNBOOKS_DIR: runbooksDir });
  process.env.E2E_BASE_URL = server.url;
  await disableDefaultHostRules(server.url);
  process.env.E2E_RUNBOOKS_DIR = runbooksDir;
  return async () => {
    await server.stop();
    fs.rmSync(runbooksDir, { recursive: true, force: true });
  };
}

/**
 * The default host rules (docs/alerts.md) watch the machine the tests run on: on a busy CI
 * host they would fire at their own time and add alerts and incidents no spec expects.
 * They are switched off through the API, as an admin would; their own tests live in
 * server/src/alerts/rules/default-rules.test.ts.
 */
async function disableDefaultHostRules(url: string): Promise<void> {
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: E2E_ADMIN_PASSWORD }) });
  if (!login.ok) throw new Error(`e2e setup: login failed (${login.status})`);
  const headers = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}`, 'content-type': 'application/json' };
  const rules = (await (await fetch(`${url}/api/v1/alert-rules`, { headers })).json()) as Array<Record<string, unknown> & { id: number; createdBy: string }>;
  for (const rule of rules.filter((one) => one.createdBy === 'system')) {
    const { name, selector, condition, windowSeconds, forSeconds, severity, labels, annotations } = rule;
    const response = await fetch(`${url}/api/v1/alert-rules/${rule.id}`, { method: 'PUT', headers, body: JSON.stringify({ name, selector, condition, windowSeconds, forSeconds, severity, labels, annotations, enabled: false }) });
    if (!response.ok) throw new Error(`e2e setup: could not disable rule ${String(name)} (${response.status})`);
  }
}

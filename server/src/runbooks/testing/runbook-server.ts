import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';
import type { RunbookSettings } from '../settings.ts';

export interface RunbookServer {
  readonly server: TestServer;
  /** The runbooks folder the server watches. */
  readonly dir: string;
}

/**
 * Call inside a describe: a runbooks folder holding `files` (name → YAML), written by
 * `files()` when the describe starts, and a test server reading it (file changes picked up
 * within 50 ms, a generous hourly budget, alert timers off so tests drive them); both are
 * gone after the describe's tests.
 */
export function useRunbookServer(files: (dir: string) => Record<string, string>, settings: Partial<RunbookSettings> = {}): RunbookServer {
  const fixture = { server: undefined as unknown as TestServer, dir: '' };
  beforeAll(async () => {
    fixture.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbooks-'));
    for (const [name, text] of Object.entries(files(fixture.dir))) fs.writeFileSync(path.join(fixture.dir, name), text);
    fixture.server = await startTestServer({ runbooks: { dir: fixture.dir, reloadDebounceMs: 50, globalRunsPerHour: 1000, ...settings }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
  });
  afterAll(async () => {
    await fixture.server?.close();
    if (fixture.dir) fs.rmSync(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}

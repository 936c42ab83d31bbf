import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * Cooldown and concurrency count per runbook and target. A target that differs only in
 * case, surrounding whitespace or Unicode width names the same host, so it must not get a
 * limit of its own (web-1, WEB-1, " web-1", fullwidth "ｗｅｂ-1").
 */
describe('runbook targets: one host, one set of limits', () => {
  let server: TestServer;
  let dir: string;

  const request = async (runbook: string, host: string): Promise<Run> => {
    const response = await server.injectAs('operator', { method: 'POST', url: `/api/v1/runbooks/${runbook}/runs`, payload: { params: { host } } });
    expect(response.statusCode).toBe(201);
    return response.json() as Run;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-target-'));
    // With `target:` and without it (the target is then the parameter values).
    fs.writeFileSync(path.join(dir, 'restart.yaml'), `id: restart
title: Restart a host
params:
  host: { type: string, maxLength: 100 }
target: "{{params.host}}"
steps: [{ name: pause, wait: 1ms }]
safety: { mode: manual, approvers: 0, cooldown: 1h, maxRunsPerHour: 100 }
`);
    fs.writeFileSync(path.join(dir, 'drain.yaml'), `id: drain
title: Drain a host
params:
  host: { type: string, maxLength: 100 }
steps: [{ name: pause, wait: 1ms }]
safety: { mode: manual, approvers: 0, cooldown: 1h, maxRunsPerHour: 100 }
`);
    server = await startTestServer({ runbooks: { dir, reloadDebounceMs: 50, globalRunsPerHour: 1000 }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['restart', 'drain'])('%s: after a run on web-1, other spellings of web-1 are in its cooldown', async (runbook) => {
    const first = await request(runbook, 'web-1');
    await eventually(async () => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/runbook-runs/${first.id}` })).json() as Run, (run) => run.state === 'succeeded');
    for (const spelling of ['WEB-1', ' web-1', 'web-1\n', '\tWeb-1 ', 'ｗｅｂ-1']) {
      const again = await request(runbook, spelling);
      expect({ spelling, state: again.state, reason: again.reason }).toEqual({ spelling, state: 'blocked', reason: 'cooldown' });
      expect(again.target).toBe(first.target);
    }
    // Another host is still its own target.
    expect((await request(runbook, 'web-2')).state).not.toBe('blocked');
  });
});

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../shared/api/runbooks.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { canonicalJson } from './plan.ts';

const PIN = '4821';
const RUNBOOK = `id: pinned
title: Connects with a short PIN
steps:
  - name: connect
    run: [/bin/true]
    env: { DB_PASSWORD: "${PIN}" }
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100 }
`;

/**
 * The plan hash covers the real values of a runbook's credentials (a changed token voids
 * earlier approvals), and every viewer sees it. A plain digest of the plan would let a
 * viewer try every value of a short secret offline against it; the hash is keyed with a
 * key every replica shares and no viewer reads (the data source secrets' key), so guessing
 * needs the server, and its role (the 409 of a stale plan) is unchanged.
 */
describe('the runbook plan hash', () => {
  const servers: TestServer[] = [];
  let dir: string;
  const sharedKey = crypto.randomBytes(32).toString('base64');

  const start = async (key?: string) => {
    const server = await startTestServer({ runbooks: { dir, reloadDebounceMs: 50, globalRunsPerHour: 1000 }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 }, ...(key ? { env: { ...process.env, SMARTCLOUDOPS_DATASOURCE_KEY: key } } : {}) });
    servers.push(server);
    return server;
  };
  const planOn = async (server: TestServer): Promise<Plan> => {
    const response = await server.injectAs('viewer', { method: 'POST', url: '/api/v1/runbooks/pinned/plan', payload: {} });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Plan;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-hash-'));
    fs.writeFileSync(path.join(dir, 'pinned.yaml'), RUNBOOK);
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('cannot be matched offline by a viewer trying the values of a redacted secret', async () => {
    const { hash, state: _state, ...shown } = await planOn(await start());
    expect(shown.steps[0]!.env).toEqual({ DB_PASSWORD: '[redacted]' });
    // What a viewer can compute: the shown plan with each guess in place of "[redacted]".
    const guess = (pin: string) => crypto.createHash('sha256').update(canonicalJson({ ...shown, steps: [{ ...shown.steps[0]!, env: { DB_PASSWORD: pin } }] })).digest('hex');
    const guesses = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));
    expect(guesses).toContain(PIN);
    expect(guesses.filter((pin) => guess(pin) === hash)).toEqual([]);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same on replicas sharing the key, and still refuses a stale plan (409)', async () => {
    const a = await start(sharedKey);
    const b = await start(sharedKey);
    const other = await start(crypto.randomBytes(32).toString('base64'));
    const planned = await planOn(a);
    expect((await planOn(b)).hash).toBe(planned.hash);
    expect((await planOn(other)).hash).not.toBe(planned.hash);

    const run = (server: TestServer, planHash: string) => server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/pinned/runs', payload: { planHash, dryRun: true } });
    expect((await run(b, planned.hash)).statusCode).toBe(201);
    const stale = await run(other, planned.hash);
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'E_CONFLICT', details: { planHash: (await planOn(other)).hash } } });
  });
});

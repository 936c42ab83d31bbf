import fs from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import { listenOnLoopback, type LoopbackServer } from '../testing/loopback-http.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * An `http` step keeps only the start of the answer in its output, but it used to read the
 * whole body first: an allow-listed service that answers without end (or with gigabytes)
 * held the step until its timeout and had the server buffer all of it. The step now reads
 * what it shows and lets the rest go.
 */
describe('runbook http steps read a bounded part of the answer', () => {
  let server: TestServer;
  let upstream: LoopbackServer;
  let dir: string;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Headers, 64 KiB, then the body never ends (the socket stays open).
    const endless = http.createServer((_request, response) => {
      sockets.add(response.socket!);
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('x'.repeat(64 * 1024));
    });
    upstream = await listenOnLoopback(endless);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-http-bound-'));
    fs.writeFileSync(path.join(dir, 'poke.yaml'), `id: poke
title: Poke the service
steps:
  - name: poke
    http: { method: GET, url: "${upstream.url}/big" }
    timeout: 20s
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100 }
`);
    server = await startTestServer({ runbooks: { dir, reloadDebounceMs: 50, globalRunsPerHour: 1000, httpAllow: [`${upstream.url}/`] }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
  });

  afterAll(async () => {
    await server?.close();
    for (const socket of sockets) socket.destroy();
    await upstream?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an answer that does not end: the step succeeds on its status with the start of the body, long before its timeout', async () => {
    const requested = await server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/poke/runs', payload: {} });
    expect(requested.statusCode).toBe(201);
    const url = `/api/v1/runbook-runs/${(requested.json() as Run).id}`;
    const run = await eventually(async () => (await server.injectAs('viewer', { method: 'GET', url })).json() as Run, (found) => !['queued', 'running'].includes(found.state), 15_000);
    expect(run.state).toBe('succeeded');
    expect(run.steps[0]!.output).toContain('HTTP 200');
    expect(run.steps[0]!.output.length).toBeLessThan(8 * 1024);
  });
});

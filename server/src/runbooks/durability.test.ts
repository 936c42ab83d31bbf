import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const PASSWORD = 'durability-admin-1';

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** `node server/src/main.ts` as its own process, so that it can be killed without warning. */
async function startServer(dataDir: string, runbooksDir: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['server/src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      SMARTCLOUDOPS_HOST: '127.0.0.1',
      SMARTCLOUDOPS_PORT: String(port),
      SMARTCLOUDOPS_DATA_DIR: dataDir,
      SMARTCLOUDOPS_RUNBOOKS_DIR: runbooksDir,
      SMARTCLOUDOPS_ADMIN_PASSWORD: PASSWORD,
      SMARTCLOUDOPS_COLLECT_INTERVAL: '0',
      SMARTCLOUDOPS_LOG_LEVEL: 'warn',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${url}/ready`)).status, (status) => status === 200, 60_000);
  return { child, url };
}

const login = async (url: string) => ((await (await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) })).json()) as { accessToken: string }).accessToken;

async function api<T>(url: string, token: string, method: string, route: string, body?: object): Promise<T> {
  const response = await fetch(`${url}/api/v1${route}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return (await response.json()) as T;
}

describe('runbook runs across a crash', () => {
  let work: string;
  let children: ChildProcess[] = [];

  afterEach(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        // A server that does not stop on SIGTERM must not keep the test worker alive.
        const stubborn = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(stubborn);
      }
    }
    children = [];
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('kill -9 during a run: after restart the run is interrupted, and nothing runs twice', async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-crash-'));
    const dataDir = path.join(work, 'data');
    const runbooksDir = path.join(work, 'runbooks');
    const counter = path.join(work, 'executions.txt');
    const started = path.join(work, 'hold-started.txt');
    fs.mkdirSync(runbooksDir);
    fs.writeFileSync(path.join(runbooksDir, 'slow.yaml'), `id: slow
title: Two steps, the second one long
steps:
  - name: count
    run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(HERE, 'testing/append.fixture.js'))}, ${JSON.stringify(counter)}]
  - name: hold
    run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(HERE, 'testing/hold.fixture.js'))}, ${JSON.stringify(started)}]
    timeout: 10m
safety: { mode: manual, approvers: 0, cooldown: 1s }
`);
    fs.writeFileSync(path.join(runbooksDir, 'quick.yaml'), 'id: quick\ntitle: Quick\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: manual, approvers: 0 }\n');

    const first = await startServer(dataDir, runbooksDir);
    children.push(first.child);
    let token = await login(first.url);
    const run = await api<Run>(first.url, token, 'POST', '/runbooks/slow/runs', {});
    expect(run.state).toBe('running');
    // The first step has run and the second is in progress: now the server dies without warning.
    await eventually(() => fs.existsSync(started), Boolean, 60_000);
    expect((await api<Run>(first.url, token, 'GET', `/runbook-runs/${run.id}`)).state).toBe('running');
    const died = new Promise((resolve) => first.child.once('exit', (_code, signal) => resolve(signal)));
    first.child.kill('SIGKILL');
    expect(await died).toBe('SIGKILL');

    const second = await startServer(dataDir, runbooksDir);
    children.push(second.child);
    token = await login(second.url);
    const after = await api<Run>(second.url, token, 'GET', `/runbook-runs/${run.id}`);
    expect(after).toMatchObject({ state: 'interrupted', reason: 'server_restart' });
    expect(after.steps.map((s) => `${s.name}:${s.state}`)).toEqual(['count:succeeded', 'hold:interrupted']);

    // The restarted server is busy running other work, and still has not re-run the interrupted one.
    const quick = await api<Run>(second.url, token, 'POST', '/runbooks/quick/runs', {});
    await eventually(async () => (await api<Run>(second.url, token, 'GET', `/runbook-runs/${quick.id}`)).state, (state) => state === 'succeeded');
    expect(fs.readFileSync(counter, 'utf8')).toBe(`ran ${run.id}\n`);
    const runs = await api<{ runs: Run[] }>(second.url, token, 'GET', '/runbook-runs?runbook=slow');
    expect(runs.runs.map((r) => r.state)).toEqual(['interrupted']);
    const audit = await api<{ entries: Array<{ action: string; target: string }> }>(second.url, token, 'GET', '/audit?action=runbook.run.interrupted');
    expect(audit.entries.map((e) => e.target)).toEqual([`runbook-run:${run.id}`]);
  }, 240_000);

  it('kill -9 during a step: the step\'s processes, left running, are stopped at the next start', async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-orphan-'));
    const dataDir = path.join(work, 'data');
    const runbooksDir = path.join(work, 'runbooks');
    const pidFile = path.join(work, 'pids.txt');
    fs.mkdirSync(runbooksDir);
    // The step ignores its server's death and has a child of its own, as a stuck script would.
    fs.writeFileSync(path.join(runbooksDir, 'stuck.yaml'), `id: stuck
title: A step that does not end by itself
steps:
  - name: hang
    run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(HERE, 'testing/orphan.fixture.js'))}, ${JSON.stringify(pidFile)}]
    timeout: 10m
safety: { mode: manual, approvers: 0 }
`);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    const first = await startServer(dataDir, runbooksDir);
    children.push(first.child);
    let token = await login(first.url);
    const run = await api<Run>(first.url, token, 'POST', '/runbooks/stuck/runs', {});
    const [stepPid, childPid] = (await eventually(() => (fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8') : ''), Boolean, 60_000)).split(' ').map(Number) as [number, number];
    try {
      const died = new Promise((resolve) => first.child.once('exit', resolve));
      first.child.kill('SIGKILL');
      await died;
      // The server is gone and its step is not: nothing would stop it before the 10 minutes.
      expect([alive(stepPid), alive(childPid)]).toEqual([true, true]);

      const second = await startServer(dataDir, runbooksDir);
      children.push(second.child);
      await eventually(() => alive(stepPid) || alive(childPid), (running) => !running);
      token = await login(second.url);
      const after = await api<Run>(second.url, token, 'GET', `/runbook-runs/${run.id}`);
      expect(after).toMatchObject({ state: 'interrupted', reason: 'server_restart' });
      const audit = await api<{ entries: Array<{ details: { stoppedProcesses?: unknown } }> }>(second.url, token, 'GET', '/audit?action=runbook.run.interrupted');
      expect(audit.entries.map((e) => e.details.stoppedProcesses)).toEqual([[{ step: 'hang', pid: stepPid }]]);
    } finally {
      for (const pid of [stepPid, childPid]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // stopped, as it should be
        }
      }
    }
  }, 240_000);
});

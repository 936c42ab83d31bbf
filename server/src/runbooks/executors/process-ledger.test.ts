import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../../testing/eventually.ts';
import { ProcessLedger, type LedgerRecord } from './process-ledger.ts';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../testing/orphan.fixture.js');
const linux = fs.existsSync('/proc/self/stat');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A killed child stays a zombie until reaped; it is not running.
  return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

describe.runIf(linux)('ProcessLedger: step processes a killed server left running', () => {
  let dir: string;
  const spawned: ChildProcess[] = [];
  const pids: number[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-ledger-'));
  });

  afterEach(() => {
    for (const pid of pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const child of spawned.splice(0)) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The orphan fixture in a group of its own, as `run` starts a step: answers its pid and its child's. */
  async function startStep(): Promise<{ leader: ChildProcess; pid: number; childPid: number }> {
    const pidFile = path.join(dir, `pids-${spawned.length}`);
    const leader = spawn(process.execPath, [FIXTURE, pidFile], { detached: true, stdio: 'ignore' });
    spawned.push(leader);
    const [pid, childPid] = (await eventually(() => (fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8') : ''), Boolean)).split(' ').map(Number) as [number, number];
    pids.push(childPid);
    return { leader, pid, childPid };
  }

  it('stops the whole group of a recorded step whose server is gone, and forgets it', async () => {
    const step = await startStep();
    const ledger = new ProcessLedger(path.join(dir, 'ledger'));
    expect(ledger.record(step.pid, 7, 'restart')).toBe(true);

    // The next server (same data dir) at start-up; the recording server is this process,
    // which a new server can only be when the old one is gone.
    const orphans = new ProcessLedger(path.join(dir, 'ledger')).stopOrphans();
    expect(orphans.map((o) => [o.record.runId, o.record.step, o.record.pid, o.stopped])).toEqual([[7, 'restart', step.pid, true]]);
    await eventually(() => !alive(step.pid) && !alive(step.childPid), Boolean);
    expect(fs.readdirSync(path.join(dir, 'ledger'))).toEqual([]);
  });

  it('a step that ended is forgotten and nothing is stopped', async () => {
    const step = await startStep();
    const ledger = new ProcessLedger(path.join(dir, 'ledger'));
    ledger.record(step.pid, 1, 'quick');
    ledger.forget(step.pid);
    expect(ledger.stopOrphans()).toEqual([]);
    expect(alive(step.pid)).toBe(true);
  });

  it('the rest of a group whose leader ended is stopped too', async () => {
    const step = await startStep();
    const ledger = new ProcessLedger(path.join(dir, 'ledger'));
    ledger.record(step.pid, 3, 'script');
    const exited = new Promise((resolve) => step.leader.once('exit', resolve));
    process.kill(step.pid, 'SIGKILL');
    await exited;
    expect(alive(step.childPid)).toBe(true);
    expect(ledger.stopOrphans().map((o) => o.stopped)).toEqual([true]);
    await eventually(() => alive(step.childPid), (x) => !x);
  });

  it('leaves alone a process that has the pid now but is not the one recorded', async () => {
    const step = await startStep();
    const ledger = new ProcessLedger(path.join(dir, 'ledger'));
    ledger.record(step.pid, 4, 'old');
    // The recorded process started at another time: its pid was reused by this one.
    const file = path.join(dir, 'ledger', `${step.pid}.json`);
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as LedgerRecord;
    fs.writeFileSync(file, JSON.stringify({ ...record, started: '1' }));
    expect(ledger.stopOrphans().map((o) => o.stopped)).toEqual([false]);
    expect(alive(step.pid)).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('leaves alone the steps of another server that is still running on the same data dir', async () => {
    const step = await startStep();
    const other = await startStep();
    const ledger = new ProcessLedger(path.join(dir, 'ledger'));
    ledger.record(step.pid, 5, 'theirs');
    const file = path.join(dir, 'ledger', `${step.pid}.json`);
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as LedgerRecord;
    const otherStarted = fs.readFileSync(`/proc/${other.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]!;
    fs.writeFileSync(file, JSON.stringify({ ...record, owner: { pid: other.pid, started: otherStarted } }));
    expect(ledger.stopOrphans()).toEqual([]);
    expect(alive(step.pid)).toBe(true);
    expect(fs.existsSync(file)).toBe(true);
  });

  it('stops nothing where a process cannot be identified (no /proc), and after a reboot', async () => {
    const step = await startStep();
    const noProc = new ProcessLedger(path.join(dir, 'a'), { procRoot: path.join(dir, 'no-proc'), killGroup: () => expect.unreachable() });
    noProc.record(step.pid, 6, 'elsewhere');
    expect(noProc.stopOrphans().map((o) => o.stopped)).toEqual([false]);

    const ledger = new ProcessLedger(path.join(dir, 'b'), { killGroup: () => expect.unreachable() });
    ledger.record(step.pid, 8, 'before-reboot');
    const file = path.join(dir, 'b', `${step.pid}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...(JSON.parse(fs.readFileSync(file, 'utf8')) as LedgerRecord), bootId: 'another-boot' }));
    expect(ledger.stopOrphans().map((o) => o.stopped)).toEqual([false]);
    expect(alive(step.pid)).toBe(true);
  });

  it('a damaged note is dropped; no folder at all is nothing to do', () => {
    expect(new ProcessLedger(path.join(dir, 'none')).stopOrphans()).toEqual([]);
    fs.mkdirSync(path.join(dir, 'ledger'));
    fs.writeFileSync(path.join(dir, 'ledger', '123.json'), '{"pid": "1; rm -rf /"');
    fs.writeFileSync(path.join(dir, 'ledger', '124.json'), JSON.stringify({ pid: 1, owner: { pid: 2 } }));
    expect(new ProcessLedger(path.join(dir, 'ledger'), { killGroup: () => expect.unreachable() }).stopOrphans()).toEqual([]);
    expect(fs.readdirSync(path.join(dir, 'ledger'))).toEqual([]);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServerNotes, type ServerNote } from './server-notes.ts';

/** A `/proc` of our own: the boot id, this process's pid namespace and the processes given (pid → start time). */
function fakeProc(root: string, processes: Record<number, string>, pidNamespace = 'pid:[4026531836]', bootId = 'boot-a'): void {
  fs.mkdirSync(path.join(root, 'sys/kernel/random'), { recursive: true });
  fs.writeFileSync(path.join(root, 'sys/kernel/random/boot_id'), `${bootId}\n`);
  fs.mkdirSync(path.join(root, 'self/ns'), { recursive: true });
  fs.symlinkSync(pidNamespace, path.join(root, 'self/ns/pid'));
  for (const [pid, started] of Object.entries({ [process.pid]: '1000', ...processes })) {
    fs.mkdirSync(path.join(root, pid), { recursive: true });
    // The command name may hold spaces and parentheses; the start time is field 22.
    fs.writeFileSync(path.join(root, pid, 'stat'), `${pid} (node (x) y) S ${Array.from({ length: 18 }, () => '0').join(' ')} ${started} 0 0\n`);
  }
}

describe('ServerNotes: which servers on this data dir are provably gone', () => {
  let work: string;
  let proc: string;
  let dir: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-server-notes-'));
    proc = path.join(work, 'proc');
    dir = path.join(work, 'runbook-processes');
    fs.mkdirSync(dir);
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  const write = (name: string, note: Partial<ServerNote>) =>
    fs.writeFileSync(path.join(dir, name), JSON.stringify({ replicaId: 'r', pid: 4242, started: '500', bootId: 'boot-a', pidNamespace: 'pid:[4026531836]', ...note }));

  it('a server whose pid is gone, or now runs a process started at another time, is dead; a running one is not', () => {
    fakeProc(proc, { 4243: '777', 4244: '900' });
    write('server-4242.json', { replicaId: 'gone', pid: 4242 });
    write('server-4243.json', { replicaId: 'pid-reused', pid: 4243, started: '600' });
    write('server-4244.json', { replicaId: 'alive', pid: 4244, started: '900' });
    const notes = new ServerNotes(dir, { procRoot: proc });
    const dead = notes.deadServers();
    expect(dead.map((d) => d.replicaId).sort()).toEqual(['gone', 'pid-reused']);
    notes.forget(dead);
    expect(fs.readdirSync(dir)).toEqual(['server-4244.json']);
  });

  it('another boot, another pid namespace (a restarted container) or a damaged note prove nothing', () => {
    fakeProc(proc, {});
    write('server-1.json', { replicaId: 'other-boot', pid: 1, bootId: 'boot-b' });
    write('server-2.json', { replicaId: 'other-namespace', pid: 2, pidNamespace: 'pid:[4026532999]' });
    fs.writeFileSync(path.join(dir, 'server-3.json'), '{"replicaId": "half');
    expect(new ServerNotes(dir, { procRoot: proc }).deadServers()).toEqual([]);
  });

  it('without /proc nothing is noted and nothing is proven', () => {
    write('server-4242.json', { replicaId: 'gone' });
    const notes = new ServerNotes(dir, { procRoot: path.join(work, 'no-proc') });
    expect(notes.deadServers()).toEqual([]);
    expect(notes.noteSelf('me')).toBe(false);
  });

  it('notes itself and forgets itself when it stops', () => {
    fakeProc(proc, {});
    const notes = new ServerNotes(dir, { procRoot: proc });
    expect(notes.noteSelf('me')).toBe(true);
    const file = path.join(dir, `server-${process.pid}.json`);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ replicaId: 'me', pid: process.pid, started: '1000', bootId: 'boot-a', pidNamespace: 'pid:[4026531836]' });
    // Its own note is not a dead server's.
    expect(notes.deadServers()).toEqual([]);
    notes.forgetSelf();
    expect(fs.existsSync(file)).toBe(false);
  });
});

import fs from 'node:fs';
import path from 'node:path';

/**
 * Which replica ids were servers on this data dir that are now provably dead, so that a
 * restarted replica (PostgreSQL) ends their running runs at once instead of watching their
 * leases lapse for 60 to 70 s (lease-watch.ts). A replica id is new with every process, so
 * the predecessor's runs never name the restarted server; each server therefore notes
 * itself in `<data dir>/runbook-processes/server-<pid>.json` (its replica id, pid, start
 * time, the machine's boot id and its pid namespace) while it runs.
 *
 * A note proves its server dead only when the reader can look that very process up: same
 * boot id (same running kernel) and same pid namespace (a container restarted gets a new
 * one, where pid 1 is someone else), and then the pid is not running or runs a process
 * started at another time. Anything less (no `/proc`; another boot, which may be another
 * machine sharing the folder; another namespace) proves nothing and the lease decides, as
 * before: taking a live replica's run would record it `interrupted` while its step acts.
 */
export interface ServerNote {
  replicaId: string;
  pid: number;
  /** Start time, clock ticks after boot (`/proc/<pid>/stat`, field 22). */
  started: string;
  bootId: string;
  /** `/proc/self/ns/pid`, e.g. `pid:[4026531836]`. */
  pidNamespace: string;
}

/** A dead server's note: its replica id and the file to remove once its runs are recorded interrupted. */
export interface DeadServer {
  replicaId: string;
  file: string;
}

const NOTE_NAME = /^server-\d+\.json$/;

export class ServerNotes {
  readonly #dir: string;
  readonly #proc: string;
  readonly #file: string;

  /** `procRoot`: `/proc` by default; tests point it elsewhere. */
  constructor(dir: string, options: { procRoot?: string } = {}) {
    this.#dir = dir;
    this.#proc = options.procRoot ?? '/proc';
    this.#file = path.join(dir, `server-${process.pid}.json`);
  }

  /**
   * The notes of servers provably dead (read before `noteSelf`, which may reuse a dead
   * predecessor's pid and so its file name). Never throws: without notes the lease decides.
   */
  deadServers(): DeadServer[] {
    const self = this.#identity(process.pid);
    if (!self) return [];
    let names: string[];
    try {
      names = fs.readdirSync(this.#dir).filter((name) => NOTE_NAME.test(name));
    } catch {
      return [];
    }
    const dead: DeadServer[] = [];
    for (const name of names) {
      const file = path.join(this.#dir, name);
      const note = readNote(file);
      if (!note) continue;
      // Another kernel or pid namespace: its pid means nothing here.
      if (note.bootId !== self.bootId || note.pidNamespace !== self.pidNamespace) continue;
      if (this.#startTime(note.pid) === note.started) continue;
      dead.push({ replicaId: note.replicaId, file });
    }
    return dead;
  }

  /** Notes this server (replica `replicaId`) as running. Answers false where it cannot be noted (no `/proc`, folder not writable). */
  noteSelf(replicaId: string): boolean {
    const self = this.#identity(process.pid);
    if (!self) return false;
    const note: ServerNote = { replicaId, pid: process.pid, ...self };
    try {
      fs.mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(this.#file, JSON.stringify(note), { mode: 0o600 });
      return true;
    } catch {
      return false;
    }
  }

  /** The dead servers' notes go once their runs are on record as interrupted. */
  forget(dead: readonly DeadServer[]): void {
    for (const { file } of dead) if (file !== this.#file) fs.rmSync(file, { force: true });
  }

  /** This server stops: its note goes (a later start has nothing to prove). */
  forgetSelf(): void {
    fs.rmSync(this.#file, { force: true });
  }

  #identity(pid: number): Omit<ServerNote, 'replicaId' | 'pid'> | null {
    const started = this.#startTime(pid);
    const bootId = this.#read('sys/kernel/random/boot_id');
    let pidNamespace: string | null;
    try {
      pidNamespace = fs.readlinkSync(path.join(this.#proc, 'self/ns/pid'));
    } catch {
      pidNamespace = null;
    }
    return started && bootId && pidNamespace ? { started, bootId, pidNamespace } : null;
  }

  /** Field 22 of `/proc/<pid>/stat` (after the command name, which may hold spaces and parentheses). */
  #startTime(pid: number): string | null {
    const stat = this.#read(`${pid}/stat`);
    return stat === null ? null : (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null);
  }

  #read(relative: string): string | null {
    try {
      return fs.readFileSync(path.join(this.#proc, relative), 'utf8').trim();
    } catch {
      return null;
    }
  }
}

function readNote(file: string): ServerNote | null {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ServerNote>;
    const strings = [value.replicaId, value.started, value.bootId, value.pidNamespace].every((s) => typeof s === 'string' && s.length > 0);
    return strings && Number.isSafeInteger(value.pid) && value.pid! > 0 ? (value as ServerNote) : null;
  } catch {
    return null;
  }
}

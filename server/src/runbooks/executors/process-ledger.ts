import fs from 'node:fs';
import path from 'node:path';

/**
 * The `run` steps' processes this server started and has not seen end: one small file each
 * in a folder of the data dir (`<data dir>/runbook-processes/<pid>.json`).
 *
 * Why: a step runs in a process group of its own, so that its timeout or an interruption
 * stops the script's children too. That also means a server killed without warning
 * (SIGKILL, an OOM kill) leaves the group running: the step would go on acting after its
 * run is recorded `interrupted`, past its timeout, perhaps beside a re-run someone starts.
 * At start-up the next server stops every group its predecessor recorded (`stopOrphans`).
 *
 * A pid alone could by then name an unrelated process, so each record also holds the
 * process's start time and the machine's boot id (Linux, `/proc`), and the server's own
 * pid and start time: a group is stopped only when its leader is the very process recorded
 * (or the leader is gone and its group lives on: the kernel does not hand out a pid that is
 * still some group's id), and only when the server that recorded it is dead (two servers
 * sharing a data dir on one machine never stop each other's steps). Where `/proc` is not
 * there (macOS, Windows) nothing is stopped and the record is only reported.
 */
export interface LedgerRecord {
  pid: number;
  /** The process's start time, clock ticks after boot (`/proc/<pid>/stat`, field 22); null without `/proc`. */
  started: string | null;
  bootId: string | null;
  runId: number;
  step: string;
  owner: { pid: number; started: string | null };
}

/** A recorded step process found at start-up, and whether it was still running and stopped. */
export interface Orphan {
  record: LedgerRecord;
  stopped: boolean;
}

export interface ProcessLedgerOptions {
  /** `/proc` by default; tests point it elsewhere to play another platform. */
  procRoot?: string;
  /** How a process group is signalled (`process.kill` with a negative pid by default). */
  killGroup?: (pgid: number) => void;
}

export class ProcessLedger {
  readonly #dir: string;
  readonly #proc: string;
  readonly #killGroup: (pgid: number) => void;
  readonly #owner: LedgerRecord['owner'];

  constructor(dir: string, options: ProcessLedgerOptions = {}) {
    this.#dir = dir;
    this.#proc = options.procRoot ?? '/proc';
    this.#killGroup = options.killGroup ?? ((pgid) => process.kill(-pgid, 'SIGKILL'));
    this.#owner = { pid: process.pid, started: this.#startTime(process.pid) };
  }

  /** Notes a step's process (the leader of its own group) as started. Never throws: a step runs even where the note cannot be written. */
  record(pid: number, runId: number, step: string): boolean {
    const record: LedgerRecord = { pid, started: this.#startTime(pid), bootId: this.#bootId(), runId, step, owner: this.#owner };
    try {
      fs.mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(this.#file(pid), JSON.stringify(record), { mode: 0o600 });
      return true;
    } catch {
      return false;
    }
  }

  /** The step's process ended (or was stopped): its note goes. */
  forget(pid: number): void {
    fs.rmSync(this.#file(pid), { force: true });
  }

  /**
   * At start-up: every group a dead server recorded and that still runs is stopped
   * (SIGKILL to the group), and the notes of dead servers go. Answers what was found.
   */
  stopOrphans(): Orphan[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.#dir).filter((name) => /^\d+\.json$/.test(name));
    } catch {
      return [];
    }
    const orphans: Orphan[] = [];
    for (const name of names) {
      const file = path.join(this.#dir, name);
      const record = this.#read(file);
      if (!record) {
        fs.rmSync(file, { force: true });
        continue;
      }
      // Recorded by a server that is still alive (another one on this data dir): its own business.
      if (record.owner.pid !== process.pid && this.#isAlive(record.owner.pid, record.owner.started)) continue;
      orphans.push({ record, stopped: this.#stopGroup(record) });
      fs.rmSync(file, { force: true });
    }
    return orphans.sort((a, b) => a.record.runId - b.record.runId || a.record.pid - b.record.pid);
  }

  #stopGroup(record: LedgerRecord): boolean {
    // Without `/proc` the process cannot be told from a stranger that got its pid.
    if (record.started === null || record.bootId === null || this.#bootId() !== record.bootId) return false;
    const now = this.#startTime(record.pid);
    // The leader's pid now belongs to another process: the group ended with it.
    if (now !== null && now !== record.started) return false;
    // The leader itself, or (it ended) the rest of its group, which still holds its id.
    try {
      this.#killGroup(record.pid);
      return true;
    } catch {
      return false;
    }
  }

  #isAlive(pid: number, started: string | null): boolean {
    const now = this.#startTime(pid);
    if (now !== null) return started === null || now === started;
    if (started !== null) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  #read(file: string): LedgerRecord | null {
    try {
      const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LedgerRecord>;
      if (!Number.isSafeInteger(value.pid) || value.pid! <= 1 || !Number.isSafeInteger(value.owner?.pid)) return null;
      return value as LedgerRecord;
    } catch {
      return null;
    }
  }

  #file(pid: number): string {
    return path.join(this.#dir, `${pid}.json`);
  }

  /** Field 22 of `/proc/<pid>/stat` (after the command name, which may hold spaces and parentheses). */
  #startTime(pid: number): string | null {
    try {
      const stat = fs.readFileSync(path.join(this.#proc, String(pid), 'stat'), 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[19] ?? null;
    } catch {
      return null;
    }
  }

  #bootId(): string | null {
    try {
      return fs.readFileSync(path.join(this.#proc, 'sys/kernel/random/boot_id'), 'utf8').trim();
    } catch {
      return null;
    }
  }
}

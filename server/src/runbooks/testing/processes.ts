import fs from 'node:fs';
import { eventually } from '../../testing/eventually.ts';

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The two pids (a step's process and its child) that family.fixture.js writes to `file` once both run. */
export async function pidsIn(file: string): Promise<[number, number]> {
  return (await eventually(() => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''), Boolean, 60_000)).split(' ').map(Number) as [number, number];
}

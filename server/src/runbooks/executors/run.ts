import { spawn } from 'node:child_process';
import type { ResolvedStep } from '../../../../shared/api/runbooks.ts';
import type { ProcessLedger } from './process-ledger.ts';
import type { StepContext, StepResult } from './types.ts';

export interface RunExecutorOptions {
  /** Working directory: the runbooks folder, so `scripts/restart.js` is found beside the files. */
  cwd: string;
  /** PATH of the clean environment. */
  path: string;
  /** Where each step's process is noted while it runs, so that a server killed without warning has it stopped at its next start. */
  ledger?: ProcessLedger;
  /** How long the output is still read after the program exited, for a child that holds it open (default DRAIN_MS). */
  drainMs?: number;
}

/**
 * After the program exits, how long what its children still print is read before they are
 * stopped: `sh -c 'sleep 300 & echo started'` exits at once, its `sleep` holding the
 * output open, and waiting for the output to end held the step to its timeout.
 */
export const DRAIN_MS = 250;

/** Whether any process of group `pgid` is still there (signal 0 sends nothing). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `run`: the argv is spawned as is (`shell: false`), each item one argument whatever it
 * holds, with a clean environment (PATH, LANG, the run id and the step's own `env`, none
 * of the server's secrets), a timeout that kills the whole process group, and output
 * handed to the capped sink. The group is noted in the ledger while it runs (a server
 * killed meanwhile has the next one stop it, process-ledger.ts). The step ends when the
 * program exits (after a short drain of its output) with its exit status, and whatever
 * the program left running in its group is killed then, and said in the output: a step
 * leaves no process behind.
 */
export function runExecutor(options: RunExecutorOptions) {
  return (step: ResolvedStep, context: StepContext): Promise<StepResult> =>
    new Promise((resolve) => {
      const [command, ...args] = step.argv!;
      const env = { PATH: options.path, LANG: 'C.UTF-8', SMARTCLOUDOPS_RUN_ID: String(context.runId), ...(step.env ?? {}) };
      let settled = false;
      const finish = (result: StepResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(drain);
        if (child.pid !== undefined) options.ledger?.forget(child.pid);
        context.signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const child = spawn(command!, args, { cwd: options.cwd, env, shell: false, stdio: ['ignore', 'pipe', 'pipe'], detached: true, windowsHide: true });
      if (child.pid !== undefined) options.ledger?.record(child.pid, context.runId, step.name);
      let killedFor: string | null = null;
      const kill = (why: string) => {
        killedFor = why;
        try {
          // Negative pid: the whole group, so a script's own children stop too.
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const timer = setTimeout(() => kill(`timed out after ${step.timeoutMs} ms`), step.timeoutMs);
      const onAbort = () => kill('interrupted');
      context.signal.addEventListener('abort', onAbort, { once: true });
      child.stdout.setEncoding('utf8').on('data', (text: string) => context.output.write('stdout', text));
      child.stderr.setEncoding('utf8').on('data', (text: string) => context.output.write('stderr', text));
      child.on('error', (error) => finish({ ok: false, exitCode: null, error: `could not start ${command}: ${error.message}` }));
      // The program is gone (and its output drained, or the drain is over): the rest of its group is stopped, and the step ends as the program did.
      const end = (code: number | null, signal: NodeJS.Signals | null) => {
        if (settled) return;
        if (!killedFor && child.pid !== undefined && groupAlive(child.pid)) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // Gone meanwhile.
          }
          context.output.write('stderr', `\n[${command} exited; processes it left running (process group ${child.pid}) were killed]\n`);
        }
        // A process outside the group (it left it) may still hold the pipes: they are not waited for.
        child.stdout.destroy();
        child.stderr.destroy();
        if (killedFor) return finish({ ok: false, exitCode: code, error: killedFor });
        if (code === 0) return finish({ ok: true, exitCode: 0, error: null });
        finish({ ok: false, exitCode: code, error: code === null ? `killed by ${signal}` : `exited with ${code}` });
      };
      let drain: NodeJS.Timeout | undefined;
      child.on('exit', (code, signal) => {
        drain = setTimeout(() => end(code, signal), options.drainMs ?? DRAIN_MS);
      });
      child.on('close', (code, signal) => end(code, signal));
    });
}

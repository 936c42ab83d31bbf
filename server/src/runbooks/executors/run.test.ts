import os from 'node:os';
import { describe, expect, it } from 'vitest';
import type { ResolvedStep } from '../../../../shared/api/runbooks.ts';
import { eventually } from '../../testing/eventually.ts';
import { alive } from '../testing/processes.ts';
import { runExecutor } from './run.ts';
import type { StepResult } from './types.ts';

const linux = process.platform === 'linux';

/** Runs `script` with /bin/sh as a `run` step whose timeout (10 min) no test waits for; answers its result and output. */
async function runShell(script: string): Promise<{ result: StepResult; output: string }> {
  const execute = runExecutor({ cwd: os.tmpdir(), path: '/usr/bin:/bin' });
  const step = { kind: 'run', name: 'sh', argv: ['/bin/sh', '-c', script], timeoutMs: 600_000 } as ResolvedStep;
  let output = '';
  const result = await execute(step, { runId: 1, incidentId: null, labels: {}, signal: new AbortController().signal, output: { write: (_stream, text) => (output += text) } });
  return { result, output };
}

/**
 * A `run` step's program that exits leaving a child behind: the step ends with the program's
 * exit status (it was "timed out" once the step's timeout passed, the child holding the
 * output pipes open), and the child is killed: a step leaves no process behind.
 */
describe.runIf(linux)('a run step whose program exits and leaves a child running', () => {
  it('ends with the exit status when the child holds the output open, and the child is killed', async () => {
    const { result, output } = await runShell('sleep 300 & echo "child $!"');
    expect(result).toEqual({ ok: true, exitCode: 0, error: null });
    const child = Number(/child (\d+)/.exec(output)![1]);
    expect(output).toMatch(/\/bin\/sh exited; processes it left running \(process group \d+\) were killed/);
    await eventually(() => alive(child), (running) => !running);
  }, 20_000);

  it('ends with a failing exit status too, and kills a child that let go of the output', async () => {
    const { result, output } = await runShell('sleep 300 >/dev/null 2>&1 & echo "child $!"; exit 3');
    expect(result).toEqual({ ok: false, exitCode: 3, error: 'exited with 3' });
    expect(output).toMatch(/processes it left running .* were killed/);
    await eventually(() => alive(Number(/child (\d+)/.exec(output)![1])), (running) => !running);
  }, 20_000);

  it('a program that leaves nothing behind gets no such note, and its whole output is kept', async () => {
    const { result, output } = await runShell('echo one; (echo two) & wait');
    expect(result).toEqual({ ok: true, exitCode: 0, error: null });
    expect(output).toBe('one\ntwo\n');
  }, 20_000);
});

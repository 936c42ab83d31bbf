import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedStep, RunOutputEventData, RunState, StepKind } from '../../../shared/api/runbooks.ts';
import { isAllowed } from './allow-list.ts';
import { ScrubbedOutput } from './executors/scrubbed-output.ts';
import { CappedOutput, type Executor, type OutputSink, type StepResult } from './executors/types.ts';
import { redactJson, redactRecord, redactUrl } from './redact.ts';
import { blankSecrets, secretForms } from './secret-params.ts';
import { secretValuesOf, withParamSecrets } from './secret-values.ts';
import type { RunbookSettings } from './settings.ts';
import type { RunStore, StoredRun } from './store.ts';
import { verify, type VerifySources } from './verify.ts';

export interface RunnerDeps {
  store: RunStore;
  executors: Record<StepKind, Executor>;
  verifySources: VerifySources;
  settings: RunbookSettings;
  now: () => number;
  /** Live output, for the stream. */
  output: (data: RunOutputEventData) => void;
  /** The run reached a final state (timeline, audit, stream). */
  finished: (run: StoredRun) => Promise<void>;
  /** The final state's audit entry, recorded inside the transaction that sets the state (so they commit together). */
  recordEnd: (run: StoredRun) => void;
  /** How long the claim on a running run holds; renewed every third of it while the run is in flight. */
  leaseMs: number;
  /** A lease renewal failed (the database is unreachable); logged, the next renewal tries again. */
  onLeaseError?: (error: unknown) => void;
  /** How often the runs in flight are checked for a cancel asked on another replica (docs/runbooks.md: 1 s). */
  cancelPollMs?: number;
  /** That check failed (the database is unreachable); logged, the next one tries again. */
  onCancelCheckError?: (error: unknown) => void;
}

export interface Outcome {
  state: Extract<RunState, 'succeeded' | 'failed' | 'rolled_back' | 'interrupted' | 'cancelled'>;
  reason: string | null;
}

/** Why a run's signal was aborted: a server shutdown (the run ends interrupted), a cancel (it ends cancelled), or another replica recorded it ended (nothing more to record). */
const SHUTDOWN = 'server_shutdown';
const CANCEL = 'cancelled';
const TAKEN = 'ended_elsewhere';

/** Once a run's signal is aborted, how it ends: cancelled by whom (read from its row, where any replica stored the request), or interrupted. */
function abortedOutcome(signal: AbortSignal, run: StoredRun | undefined): Outcome {
  if (signal.reason !== CANCEL) return { state: 'interrupted', reason: SHUTDOWN };
  const by = run?.cancelRequestedBy ?? 'someone';
  return { state: 'cancelled', reason: `cancelled by ${by}${run?.cancelReason ? `: ${run.cancelReason}` : ''}` };
}

export const CANCEL_POLL_MS = 1_000;

/**
 * Carries out runs that are already `running` in the database: the steps in order, then
 * verify, and the rollback steps when a step or verify fails. Every step is recorded as it
 * starts and ends, so a crash leaves an exact account of how far it got. A dry run checks
 * each step (program present, URL allow-listed) and executes nothing.
 */
export class Runner {
  readonly #deps: RunnerDeps;
  readonly #inFlight = new Map<number, { abort: AbortController; done: Promise<void> }>();
  #leaseTimer: NodeJS.Timeout | undefined;
  #cancelTimer: NodeJS.Timeout | undefined;

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
  }

  /** Keeps the leases of the runs in flight alive, so that no other replica takes them for a dead server's. */
  #renewLeases(): void {
    if (this.#leaseTimer || this.#deps.leaseMs <= 0) return;
    this.#leaseTimer = setInterval(() => {
      if (this.#inFlight.size === 0) {
        clearInterval(this.#leaseTimer);
        this.#leaseTimer = undefined;
        return;
      }
      this.#deps.store.renewLeases([...this.#inFlight.keys()], this.#deps.now() + this.#deps.leaseMs).catch((error: unknown) => this.#deps.onLeaseError?.(error));
    }, Math.max(1_000, Math.floor(this.#deps.leaseMs / 3)));
    this.#leaseTimer.unref();
  }

  /**
   * Watches the runs in flight for a cancel stored on their rows: with replicas the request
   * may arrive at another server, which can only write it down (the lease renewal, every
   * 20 s, would be too slow for someone watching a remediation do harm). A run whose row
   * another replica ended meanwhile (it took this one for dead: a partition longer than the
   * lease) is stopped the same way, so its step does not act on past the end on record.
   */
  #watchCancels(): void {
    if (this.#cancelTimer) return;
    this.#cancelTimer = setInterval(() => {
      if (this.#inFlight.size === 0) {
        clearInterval(this.#cancelTimer);
        this.#cancelTimer = undefined;
        return;
      }
      const ids = [...this.#inFlight.keys()];
      Promise.all([this.#deps.store.cancelRequested(ids), this.#deps.store.noLongerRunning(ids)])
        .then(([cancelled, ended]) => {
          for (const id of ended) this.#inFlight.get(id)?.abort.abort(TAKEN);
          for (const id of cancelled) this.cancel(id);
        })
        .catch((error: unknown) => this.#deps.onCancelCheckError?.(error));
    }, this.#deps.cancelPollMs ?? CANCEL_POLL_MS);
    this.#cancelTimer.unref();
  }

  /**
   * Stops a run this server carries out (its cancel is already stored on its row): the step
   * in flight is stopped as a timeout stops it (a `run` step's process group killed, its
   * output kept), nothing further runs, not even the rollback, and the run ends `cancelled`.
   * Answers when the run has ended, or undefined when it is not in flight here.
   */
  cancel(runId: number): Promise<void> | undefined {
    const entry = this.#inFlight.get(runId);
    if (!entry) return undefined;
    entry.abort.abort(CANCEL);
    return entry.done;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** The runs this server is carrying out now. */
  get inFlightIds(): number[] {
    return [...this.#inFlight.keys()];
  }

  start(run: StoredRun): Promise<void> {
    const abort = new AbortController();
    const done = this.#execute(run, abort).finally(() => this.#inFlight.delete(run.id));
    this.#inFlight.set(run.id, { abort, done });
    this.#renewLeases();
    this.#watchCancels();
    return done;
  }

  /** Server shutdown: stops every step in flight; those runs end `interrupted`. */
  async stopAll(): Promise<void> {
    for (const { abort } of this.#inFlight.values()) abort.abort(SHUTDOWN);
    await Promise.allSettled([...this.#inFlight.values()].map((entry) => entry.done));
    clearInterval(this.#leaseTimer);
    this.#leaseTimer = undefined;
    clearInterval(this.#cancelTimer);
    this.#cancelTimer = undefined;
  }

  async #execute(run: StoredRun, abort: AbortController): Promise<void> {
    const { store, now } = this.#deps;
    const signal = abort.signal;
    let seq = 0;
    // A cancel stored while the previous step ran (on another replica, between two polls) stops the run before the next step acts.
    const cancelledMeanwhile = async () => {
      if (!signal.aborted && (await store.cancelRequested([run.id])).length > 0) abort.abort(CANCEL);
      return signal.aborted;
    };
    const stopped = async () => this.#finish(run, abortedOutcome(signal, await store.byId(run.id)));
    // The secret parameters' values (and their encoded forms): never kept or streamed, whichever step prints them.
    const paramSecrets = secretForms(run.plan);
    // `secrets`: the values of the step's credentials, scrubbed from what its program prints (ScrubbedOutput) and from its error.
    const step = async (phase: 'step' | 'verify' | 'rollback', name: string, kind: string, work: (sink: OutputSink) => Promise<StepResult>, stepSecrets: readonly string[] = []): Promise<StepResult> => {
      const secrets = withParamSecrets(stepSecrets, paramSecrets);
      seq += 1;
      const current = seq;
      const id = await store.startStep(run.id, current, phase, name, kind, now());
      const kept = new CappedOutput(this.#deps.settings.outputLimitBytes, (stream, text) => this.#deps.output({ runId: run.id, seq: current, step: name, stream, text }));
      const sink = new ScrubbedOutput(kept, secrets);
      let result: StepResult;
      try {
        result = await work(sink);
      } catch (error) {
        result = { ok: false, exitCode: null, error: `internal error: ${(error as Error).message}` };
      }
      if (result.error !== null && secrets.length > 0) result = { ...result, error: blankSecrets(result.error, secrets) };
      sink.flush();
      // A step stopped by a cancel, or because another replica ended its run, did not fail by itself: it reads interrupted, and why.
      const stoppedFor = !result.ok && signal.aborted ? (signal.reason === CANCEL ? 'cancelled' : signal.reason === TAKEN ? 'stopped: another replica recorded the run interrupted' : null) : null;
      await store.finishStep(id, { state: stoppedFor ? 'interrupted' : result.ok ? 'succeeded' : 'failed', exitCode: result.exitCode, output: kept.text, truncated: kept.truncated, error: stoppedFor ?? result.error }, now());
      return result;
    };
    const execute = (resolved: ResolvedStep, sink: OutputSink) =>
      run.dryRun ? this.#dryRun(resolved, sink) : this.#deps.executors[resolved.kind](resolved, { runId: run.id, incidentId: run.incidentId, labels: run.labels, signal, output: sink });

    let outcome: Outcome = { state: 'succeeded', reason: null };
    for (const resolved of run.plan.steps) {
      if (await cancelledMeanwhile()) return await stopped();
      const result = await step('step', resolved.name, resolved.kind, (sink) => execute(resolved, sink), secretValuesOf(resolved));
      if (signal.aborted) return await stopped();
      if (!result.ok) {
        outcome = { state: 'failed', reason: `step "${resolved.name}" failed: ${result.error ?? 'unknown error'}` };
        break;
      }
    }
    const spec = run.plan.verify;
    if (outcome.state === 'succeeded' && spec) {
      if (await cancelledMeanwhile()) return await stopped();
      const result = await step('verify', 'verify', 'verify', async (sink) => {
        if (run.dryRun) {
          const known = (await this.#deps.verifySources.get(spec.source)) !== undefined;
          sink.write('info', `would check ${spec.query} ${spec.op} ${spec.threshold} within ${spec.withinMs} ms on "${spec.source}"${known ? '' : ' (no such source)'}\n`);
          return { ok: known, exitCode: null, error: known ? null : `no verify source "${spec.source}"` };
        }
        const checked = await verify(spec, this.#deps.verifySources, { now, intervalMs: this.#deps.settings.verifyIntervalMs, signal, log: (line) => sink.write('info', `${line}\n`) });
        sink.write('info', `${checked.detail}\n`);
        return { ok: checked.ok, exitCode: null, error: checked.ok ? null : checked.detail };
      });
      if (signal.aborted) return await stopped();
      if (!result.ok) outcome = { state: 'failed', reason: `verify failed: ${result.error ?? ''}` };
    }
    if (outcome.state === 'failed' && run.plan.rollback.length > 0) {
      let rollbackOk = true;
      // Every rollback step is tried, even after one fails: each undoes something different.
      for (const resolved of run.plan.rollback) {
        if (await cancelledMeanwhile()) return await stopped();
        const result = await step('rollback', resolved.name, resolved.kind, (sink) => execute(resolved, sink), secretValuesOf(resolved));
        if (signal.aborted) return await stopped();
        rollbackOk &&= result.ok;
      }
      outcome = rollbackOk ? { state: 'rolled_back', reason: outcome.reason } : { state: 'failed', reason: `${outcome.reason}; rollback failed too` };
    }
    await this.#finish(run, outcome);
  }

  async #finish(run: StoredRun, outcome: Outcome): Promise<void> {
    const now = this.#deps.now();
    const { store } = this.#deps;
    // The final state and its audit entry in one transaction: a crash cannot keep one without the other.
    const ended = await store.transaction(async (tx) => {
      if (!(await tx.transition(run.id, ['running'], outcome.state, now, { reason: outcome.reason, finishedAt: now }))) return undefined;
      const stored = (await tx.byId(run.id))!;
      this.#deps.recordEnd(stored);
      return stored;
    });
    if (ended) await this.#deps.finished(ended);
  }

  async #dryRun(step: ResolvedStep, sink: OutputSink): Promise<StepResult> {
    const { settings } = this.#deps;
    switch (step.kind) {
      case 'run': {
        sink.write('info', `would run ${JSON.stringify(step.argv)}${step.env ? ` with env ${JSON.stringify(redactRecord(step.env))}` : ''} (timeout ${step.timeoutMs} ms)\n`);
        const program = step.argv![0]!;
        const candidates = program.includes('/') ? [path.resolve(settings.dir, program)] : settings.execPath.split(':').map((dir) => path.join(dir, program));
        const found = candidates.find((file) => {
          try {
            fs.accessSync(file, fs.constants.X_OK);
            return true;
          } catch {
            return false;
          }
        });
        return found ? { ok: true, exitCode: null, error: null } : { ok: false, exitCode: null, error: `${program} is not an executable program here` };
      }
      case 'http':
      case 'webhook': {
        const list = step.kind === 'http' ? settings.httpAllow : settings.webhookAllow;
        sink.write('info', `would ${step.method} ${redactUrl(step.url!)}${step.body !== undefined ? ` with ${JSON.stringify(redactJson(step.body))}` : ''}\n`);
        return isAllowed(new URL(step.url!), list) ? { ok: true, exitCode: null, error: null } : { ok: false, exitCode: null, error: `${redactUrl(step.url!)} is not allow-listed` };
      }
      default:
        sink.write('info', `would ${step.kind}${step.text ? `: ${step.text}` : ''}${step.durationMs !== undefined ? ` (${step.durationMs} ms)` : ''}\n`);
        return { ok: true, exitCode: null, error: null };
    }
  }
}

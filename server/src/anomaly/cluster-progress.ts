import type { ServerContext } from '../context.ts';
import { PeriodicTask } from '../core/periodic-task.ts';
import type { ReplicaBacklogStore } from './backlog-store.ts';
import type { TargetProgress, TargetProgressStore } from './progress-store.ts';

/** How often the replica writes its targets' changed progress for the others. */
const PROGRESS_SYNC_MS = 5_000;
/** Every target's progress is rewritten this often even unchanged; rows older than three of these are a gone replica's. */
const PROGRESS_REFRESH_MS = 60_000;
/** How often the replicas exchange their scoring backlogs; a backlog older than 15 of these is a gone replica's. */
const BACKLOG_SYNC_MS = 1_000;

/** What the replica's own scoring tells the cluster. */
export interface LocalScoring {
  /** This replica's targets, each with its training progress and status entry. */
  own(): TargetProgress[];
  /** Whether this replica scores the target now. */
  scores(target: string): boolean;
  /** Sample times stored and not scored yet on this replica. */
  waiting(): number;
}

/**
 * The replica's side of the cluster's anomaly picture (PostgreSQL, several replicas): it
 * writes where its own targets stand (the changed ones within 5 s, all of them every
 * minute, so a live replica's rows stay fresh) and its scoring backlog (every second), and
 * reads what the others wrote, so that any replica answers for every target of the cluster
 * and sheds ingest while any replica is behind.
 */
export class ClusterProgress {
  readonly #ctx: Pick<ServerContext, 'replicaId' | 'now' | 'log'>;
  readonly #progress: TargetProgressStore;
  readonly #backlogs: ReplicaBacklogStore;
  readonly #local: LocalScoring;
  /** What was last written per target (its JSON), so that unchanged targets are not rewritten. */
  readonly #written = new Map<string, string>();
  #fullWriteAt = 0;
  #othersWaiting = 0;
  readonly #progressTask: PeriodicTask;
  readonly #backlogTask: PeriodicTask;

  constructor(ctx: Pick<ServerContext, 'replicaId' | 'now' | 'log'>, stores: { progress: TargetProgressStore; backlogs: ReplicaBacklogStore }, local: LocalScoring) {
    this.#ctx = ctx;
    this.#progress = stores.progress;
    this.#backlogs = stores.backlogs;
    this.#local = local;
    this.#progressTask = new PeriodicTask(() => this.#writeProgress(), {
      everyMs: PROGRESS_SYNC_MS,
      onError: (error) => ctx.log.warn({ err: error }, 'anomaly target progress could not be shared; trying again shortly'),
    });
    this.#backlogTask = new PeriodicTask(() => this.#exchangeBacklog(), {
      everyMs: BACKLOG_SYNC_MS,
      onError: (error) => ctx.log.warn({ err: error }, 'anomaly scoring backlogs could not be exchanged; trying again shortly'),
    });
  }

  start(): void {
    this.#progressTask.start();
    this.#backlogTask.start();
  }

  /** Leaving: the last writes finish, then this replica's rows go (the new owners write theirs). */
  async stop(): Promise<void> {
    await Promise.all([this.#progressTask.stop(), this.#backlogTask.stop()]);
    await this.#progress.remove(this.#ctx.replicaId, [...this.#written.keys()]).catch(() => undefined);
    await this.#backlogs.remove(this.#ctx.replicaId).catch(() => undefined);
  }

  /** The largest scoring backlog another live replica reported at the last exchange. */
  get othersWaiting(): number {
    return this.#othersWaiting;
  }

  /** Targets this replica no longer scores: their rows are the new owners' to write, this replica's go at once. */
  forget(targets: readonly string[]): void {
    if (targets.length === 0) return;
    for (const target of targets) this.#written.delete(target);
    void this.#progress.remove(this.#ctx.replicaId, targets).catch(() => undefined);
  }

  /** The targets other replicas score, as they last wrote them. */
  async others(): Promise<TargetProgress[]> {
    const rows = await this.#progress.list(this.#ctx.now(), 3 * PROGRESS_REFRESH_MS);
    return rows.filter((row) => !this.#local.scores(row.progress.target));
  }

  /** Writes the targets that changed since the last write (all of them once a minute), in one statement. */
  async #writeProgress(): Promise<void> {
    const now = this.#ctx.now();
    const full = now - this.#fullWriteAt >= PROGRESS_REFRESH_MS;
    const changed = this.#local
      .own()
      .map((t) => ({ t, json: JSON.stringify(t) }))
      .filter(({ t, json }) => full || this.#written.get(t.progress.target) !== json);
    if (changed.length === 0) return;
    await this.#progress.write(
      this.#ctx.replicaId,
      changed.map(({ t }) => t),
      now,
    );
    for (const { t, json } of changed) this.#written.set(t.progress.target, json);
    if (full) this.#fullWriteAt = now;
  }

  async #exchangeBacklog(): Promise<void> {
    this.#othersWaiting = await this.#backlogs.exchange(this.#ctx.replicaId, this.#local.waiting(), this.#ctx.now(), 15 * BACKLOG_SYNC_MS);
  }
}

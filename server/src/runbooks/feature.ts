import type { Alert } from '../../../shared/api/alerts.ts';
import type { AlertPusher } from '../../../shared/api/stream.ts';
import type { StepKind } from '../../../shared/api/runbooks.ts';
import type { Actor } from '../core/actor.ts';
import type { AlertsService } from '../alerts/feature.ts';
import type { IncidentsService } from '../incidents/feature.ts';
import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { PeriodicTask } from '../core/periodic-task.ts';
import type { MetricsService } from '../metrics/service.ts';
import type { SecretBox } from '../datasources/secret-box.ts';
import { planHashKey } from './plan-hash.ts';
import { metricsVerifySource } from './verify.ts';
import { verifySourcesOf, type PromqlSources } from './promql-verify.ts';
import { runbooksPlugin } from './plugin.ts';
import { RunbookCatalog } from './catalog.ts';
import { httpExecutor } from './executors/http.ts';
import { internalExecutor } from './executors/internal.ts';
import { ProcessLedger } from './executors/process-ledger.ts';
import { ServerNotes } from './executors/server-notes.ts';
import { runExecutor } from './executors/run.ts';
import type { Executor } from './executors/types.ts';
import { Runner } from './runner.ts';
import { RECOVERY_POLL_MS, RUN_LEASE_MS, RunbookService } from './service.ts';
import type { RunbookSettings } from './settings.ts';
import { RunStore } from './store.ts';
import type { VerifySources } from './verify.ts';

/** What runbooks act on: the alerting services and the incidents' records and timeline. */
export type RunbookAlerting = AlertsService & {
  incidents: IncidentsService['incidents'];
  timeline: IncidentsService['timeline'];
  incidentService: IncidentsService['service'];
};

/** How often each server looks for queued runs nobody holds (the queue across replicas). */
const QUEUE_POLL_MS = 5_000;

/** Who the runbook's internal actions (acknowledge, note, silence) are recorded as. */
const RUNBOOK_ACTOR: Actor = { name: 'runbook', kind: 'system' };

/**
 * The runbooks feature, wired from its parts and independent of Fastify. `start()` marks
 * what a previous process left in flight as interrupted, loads and watches the folder,
 * follows alert events for triggers and expires old proposals; `stop()` ends all of it,
 * interrupting runs still in flight.
 */
export class RunbooksFeature {
  readonly settings: RunbookSettings;
  readonly catalog: RunbookCatalog;
  readonly store: RunStore;
  readonly runner: Runner;
  readonly service: RunbookService;
  readonly ledger: ProcessLedger;
  /** This server's note on the data dir, and its dead predecessors' (executors/server-notes.ts). */
  readonly serverNotes: ServerNotes;
  readonly #ctx: ServerContext;
  readonly #planKey: Promise<Buffer>;
  #unsubscribe: (() => void) | null = null;
  #expiryTimer: NodeJS.Timeout | null = null;
  #queueTimer: NodeJS.Timeout | null = null;
  #recovery: PeriodicTask | null = null;
  readonly #pendingTriggers = new Set<Promise<void>>();
  /** Alerts that fired since the last turn of the event loop, waiting for their triggers, with who pushed them (POST /alerts). */
  #firing: Array<{ alert: Alert; pushedBy: AlertPusher | undefined }> = [];
  readonly #background = new Set<Promise<unknown>>();

  /** `secrets`: the data sources' secrets key (shared by the replicas): the plan hash's key derives from it, and it seals plans holding secret parameters. */
  constructor(ctx: ServerContext, alerts: RunbookAlerting, settings: RunbookSettings, verifySources: VerifySources, secrets: Promise<SecretBox>) {
    const planKey = planHashKey(secrets);
    this.#ctx = ctx;
    this.#planKey = planKey;
    // Awaited by start() and every plan; not an unhandled rejection meanwhile.
    planKey.catch(() => undefined);
    this.settings = settings;
    this.catalog = new RunbookCatalog(settings.dir, ctx.log, settings.reloadDebounceMs);
    this.store = new RunStore(ctx.sql, ctx.replicaId, ctx.sql.db, secrets);
    this.ledger = new ProcessLedger(settings.processDir);
    this.serverNotes = new ServerNotes(settings.processDir);
    const internal = internalExecutor(alerts, RUNBOOK_ACTOR, ctx.now);
    const executors: Record<StepKind, Executor> = {
      run: runExecutor({ cwd: settings.dir, path: settings.execPath, ledger: this.ledger }),
      http: httpExecutor(settings.httpAllow, 'SMARTCLOUDOPS_RUNBOOK_HTTP_ALLOW'),
      webhook: httpExecutor(settings.webhookAllow, 'SMARTCLOUDOPS_RUNBOOK_WEBHOOK_ALLOW'),
      acknowledge: internal,
      silence: internal,
      note: internal,
      wait: internal,
    };
    this.runner = new Runner({
      store: this.store,
      executors,
      verifySources,
      settings,
      now: ctx.now,
      output: (data) => ctx.events.publish({ type: 'runbook_output', data }),
      finished: (run) => this.service.finished(run),
      recordEnd: (run) => this.service.recordEnd(run),
      leaseMs: RUN_LEASE_MS,
      onLeaseError: (error) => ctx.log.warn({ err: error }, 'could not renew the leases of runbook runs in flight'),
      onCancelCheckError: (error) => ctx.log.warn({ err: error }, 'could not check the runbook runs in flight for a cancel; checking again in a second'),
    });
    this.service = new RunbookService({ ctx, catalog: this.catalog, store: this.store, settings, alerts, runner: this.runner, planKey });
  }

  /**
   * Start-up recovery first (what a stopped server left in flight: the step processes it
   * left running are stopped, its runs recorded interrupted), then the folder, triggers and timers.
   */
  async start(): Promise<void> {
    // The plan hash's key first: without it no plan can be made (a damaged key stops start-up, as for the data sources).
    await this.#planKey;
    const orphans = this.ledger.stopOrphans();
    for (const { record, stopped } of orphans) {
      if (stopped) this.#ctx.log.warn({ run: record.runId, step: record.step, pid: record.pid }, 'stopped a runbook step process a server killed without warning left running');
      else this.#ctx.log.info({ run: record.runId, step: record.step, pid: record.pid }, 'a runbook step process of a server that stopped was no longer running');
    }
    // Read before noting this server: it may have a dead predecessor's pid, so its file name.
    const deadServers = this.serverNotes.deadServers();
    this.serverNotes.noteSelf(this.#ctx.replicaId);
    if (deadServers.length > 0) this.#ctx.log.info({ replicas: deadServers.map((d) => d.replicaId) }, 'servers that ran on this data dir before are gone: their running runbook runs end now');
    await this.service.recover(orphans, new Set(deadServers.map((d) => d.replicaId)));
    this.serverNotes.forget(deadServers);
    this.catalog.watch();
    this.#unsubscribe = this.#ctx.events.subscribe((event) => {
      if (event.type !== 'alert') return;
      const { action, alert } = event.data;
      if ((action !== 'created' && action !== 'refired') || alert.state !== 'firing') return;
      // Later, outside the alert's own transaction (the bus publishes inside one). One
      // setImmediate for all the alerts a batch publishes (100 for a webhook batch), in order.
      if (this.#firing.push({ alert, pushedBy: event.pushedBy }) === 1) setImmediate(() => this.#triggerFiring());
    });
    this.#expiryTimer = setInterval(() => this.#track(this.service.expire(), 'expiring runbook proposals failed'), Math.min(60_000, Math.max(1000, this.settings.approvalTtlMs / 10)));
    this.#expiryTimer.unref();
    // Replicas: the running runs of a server that died are recorded interrupted once it is
    // seen dead, which takes watching its leases at short intervals (LeaseWatch).
    // One pass at a time: two looks at once would each judge the other's view.
    if (this.#ctx.sql.dialect === 'postgres') {
      this.#recovery = new PeriodicTask(() => this.service.recover(), { everyMs: RECOVERY_POLL_MS, onError: (error) => this.#ctx.log.error({ err: error }, 'interrupting the runs of a stopped replica failed') });
      this.#recovery.start();
    }
    // The queue across replicas: runs queued by a server that died before starting them are taken by another.
    this.#queueTimer = setInterval(() => this.#track(this.service.drainQueue(), 'claiming queued runbook runs failed'), this.settings.queuePollMs ?? QUEUE_POLL_MS);
    this.#queueTimer.unref();
  }

  /** Alerts whose triggers are still being matched or proposing (tests wait for none). */
  get triggersInFlight(): number {
    return this.#firing.length + this.#pendingTriggers.size;
  }

  #track(work: Promise<unknown>, failure: string): void {
    const tracked = work.catch((error: unknown) => this.#ctx.log.error({ err: error }, failure));
    this.#background.add(tracked);
    void tracked.finally(() => this.#background.delete(tracked));
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    if (this.#expiryTimer) clearInterval(this.#expiryTimer);
    if (this.#queueTimer) clearInterval(this.#queueTimer);
    await this.#recovery?.stop();
    this.catalog.stop();
    await Promise.allSettled([...this.#pendingTriggers, ...this.#background]);
    await this.runner.stopAll();
    this.serverNotes.forgetSelf();
  }

  #triggerFiring(): void {
    const alerts = this.#firing;
    this.#firing = [];
    // No runbook has a trigger (the usual case): no alert can match one, so no alert's
    // matching (a promise chain each) is started.
    if (!this.catalog.all().some((runbook) => (runbook.definition.triggers?.length ?? 0) > 0)) return;
    for (const { alert, pushedBy } of alerts) this.#trigger(alert, pushedBy);
  }

  #trigger(alert: Alert, pushedBy: AlertPusher | undefined): void {
    const pending = this.service.onAlertFiring(alert, pushedBy).catch((error: unknown) => this.#ctx.log.error({ err: error, alert: alert.id }, 'runbook trigger failed'));
    this.#pendingTriggers.add(pending);
    void pending.finally(() => this.#pendingTriggers.delete(pending));
  }
}

export interface RunbooksDeps {
  alerting: RunbookAlerting;
  metrics: MetricsService;
  settings: RunbookSettings;
  /** The Prometheus data sources a verify may name (`source: <name>`); without it only `metrics`. */
  promql?: PromqlSources;
  /** The data sources' secrets key (shared by the replicas): the plan hash's key is derived from it. */
  secrets: Promise<SecretBox>;
}

/** Runbooks in the one feature shape (docs/architecture.md): verify reads the server's own metrics by default. */
export function createRunbooksFeature(ctx: ServerContext, deps: RunbooksDeps): Feature<RunbooksFeature> {
  // Verify sources by name: the server's own store, then the Prometheus data sources by their names.
  const verifySources: VerifySources = verifySourcesOf(new Map([['metrics', metricsVerifySource(deps.metrics)]]), deps.promql, ctx.now);
  const feature = new RunbooksFeature(ctx, deps.alerting, deps.settings, verifySources, deps.secrets);
  return { service: feature, plugin: async (app) => app.register(runbooksPlugin, { feature }) };
}

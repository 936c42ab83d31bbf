import type { AuditLog } from '../audit/store.ts';
import type { ServerContext } from '../context.ts';
import { IncidentLinker } from '../incidents/linker.ts';
import { IncidentService } from '../incidents/service.ts';
import { IncidentStore } from '../incidents/store.ts';
import { TimelineStore } from '../incidents/timeline.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../notifications/backoff.ts';
import { WebhookDispatcher } from '../notifications/dispatcher.ts';
import { WebhookStore } from '../notifications/webhook-store.ts';
import { DEFAULT_GROUPING, type GroupingPolicy } from './grouping.ts';
import { RuleEvaluator } from './rules/evaluator.ts';
import type { MetricsQuery } from './rules/metrics-source.ts';
import { RuleStore } from './rules/store.ts';
import { AlertService } from './service.ts';
import { SilenceStore } from './silences.ts';
import { anomalyToEvent } from './sources/anomaly.ts';
import { AlertStore } from './store.ts';
import { unitRunner } from './unit-of-work.ts';

export interface AlertsSettings {
  grouping: GroupingPolicy;
  backoff: BackoffPolicy;
  webhookTimeoutMs: number;
  webhookConcurrency: number;
  /** Upkeep: expired alerts, silences starting or ending. 0 disables the timer (tests call sweep()). */
  sweepIntervalMs: number;
  /** Threshold rule evaluation. 0 disables the timer. */
  ruleIntervalMs: number;
  /** An anomaly alert resolves after this long without a new anomaly on its target. */
  anomalyQuietMs: number;
}

export const DEFAULT_ALERTS_SETTINGS: AlertsSettings = {
  grouping: DEFAULT_GROUPING,
  backoff: DEFAULT_BACKOFF,
  webhookTimeoutMs: 10_000,
  webhookConcurrency: 4,
  sweepIntervalMs: 5_000,
  ruleIntervalMs: 30_000,
  anomalyQuietMs: 10 * 60_000,
};

/**
 * The alerts and incidents feature, wired from its parts, independent of Fastify: the
 * benchmark and the plugin build it the same way. `start()` begins the background work
 * (webhook deliveries, upkeep, rule evaluation, anomaly subscription); `stop()` ends it.
 */
export class AlertsFeature {
  readonly settings: AlertsSettings;
  readonly alerts: AlertStore;
  readonly silences: SilenceStore;
  readonly incidents: IncidentStore;
  readonly timeline: TimelineStore;
  readonly webhooks: WebhookStore;
  readonly rules: RuleStore;
  readonly service: AlertService;
  readonly incidentService: IncidentService;
  readonly dispatcher: WebhookDispatcher;
  readonly evaluator: RuleEvaluator | null;
  readonly audit: AuditLog;
  readonly #ctx: ServerContext;
  readonly #timers: NodeJS.Timeout[] = [];
  #unsubscribe: (() => void) | null = null;

  constructor(ctx: ServerContext, settings: Partial<AlertsSettings> = {}, metrics?: MetricsQuery) {
    this.#ctx = ctx;
    this.audit = ctx.audit;
    this.settings = { ...DEFAULT_ALERTS_SETTINGS, ...settings };
    const { db, now } = ctx;
    this.alerts = new AlertStore(db);
    this.silences = new SilenceStore(db, now());
    this.incidents = new IncidentStore(db);
    this.timeline = new TimelineStore(db);
    this.webhooks = new WebhookStore(db);
    this.rules = new RuleStore(db);
    this.dispatcher = new WebhookDispatcher({
      db,
      log: ctx.log,
      now,
      backoff: this.settings.backoff,
      timeoutMs: this.settings.webhookTimeoutMs,
      concurrency: this.settings.webhookConcurrency,
    });
    const run = unitRunner(db, ctx.events, () => this.dispatcher.kick());
    const linker = new IncidentLinker(this.incidents, this.timeline, this.settings.grouping);
    this.service = new AlertService({ alerts: this.alerts, silences: this.silences, linker, webhooks: this.webhooks, audit: ctx.audit, run, now });
    this.incidentService = new IncidentService({
      incidents: this.incidents,
      timeline: this.timeline,
      alerts: this.alerts,
      silences: this.silences,
      audit: ctx.audit,
      run,
      now,
      metrics,
    });
    this.evaluator = metrics ? new RuleEvaluator(db, this.rules, metrics, (events) => this.service.ingest(events)) : null;
  }

  now(): number {
    return this.#ctx.now();
  }

  start(): void {
    const { log, events } = this.#ctx;
    // Reconcile silenced flags with the silences as stored (a crash may have come between
    // creating a silence and marking its alerts, or a silence may have ended while down).
    this.service.applySilences();
    this.dispatcher.kick();
    this.#unsubscribe = events.subscribe((event) => {
      if (event.type !== 'anomaly') return;
      try {
        this.service.ingest([anomalyToEvent(event.data, this.settings.anomalyQuietMs)]);
      } catch (error) {
        log.error({ err: error, anomaly: event.data }, 'could not turn an anomaly into an alert');
      }
    });
    this.#every(this.settings.sweepIntervalMs, () => this.service.sweep(), 'alert upkeep failed');
    if (this.evaluator) {
      const evaluator = this.evaluator;
      this.#every(this.settings.ruleIntervalMs, () => evaluator.evaluateAll(this.#ctx.now()), 'rule evaluation failed');
    }
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#unsubscribe?.();
    await this.dispatcher.stop();
  }

  #every(intervalMs: number, task: () => void, failure: string): void {
    if (intervalMs <= 0) return;
    const timer = setInterval(() => {
      try {
        task();
      } catch (error) {
        this.#ctx.log.error({ err: error }, failure);
      }
    }, intervalMs);
    timer.unref();
    this.#timers.push(timer);
  }
}

import type { onRequestHookHandler } from 'fastify';
import type { AuditLog } from '../audit/store.ts';
import type { AlarmSink } from '../core/alarm-sink.ts';
import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { SYSTEM } from '../core/actor.ts';
import { unitRunner } from '../core/unit-of-work.ts';
import type { MetricsQuery } from '../metrics/query.ts';
import type { AlertNotifier, IncidentLinks } from './ports.ts';
import { alertRoutes } from './routes.ts';
import { RuleEvaluator } from './rules/evaluator.ts';
import { ruleRoutes } from './rules/routes.ts';
import { RuleStore } from './rules/store.ts';
import { IngestCoalescer } from './ingest-coalescer.ts';
import { ingestRateLimitHook } from './ingest-rate-limit.ts';
import { QueryBudget } from '../datasources/query-budget.ts';
import { AlertService } from './service.ts';
import type { SilenceStore } from './silences.ts';
import { alertmanagerRoutes } from './sources/alertmanager-routes.ts';
import { anomalyToEvent } from './sources/anomaly.ts';
import type { AlertStore } from './store.ts';
import type { AlertData } from './stores.ts';

export interface AlertsSettings {
  /** Upkeep: expired alerts, silences starting or ending. 0 disables the timer (tests call sweep()). */
  sweepIntervalMs: number;
  /** Threshold rule evaluation. 0 disables the timer. */
  ruleIntervalMs: number;
  /** An anomaly alert resolves after this long without a new anomaly on its target. */
  anomalyQuietMs: number;
  /**
   * Alert ingest requests (`POST /alerts` and the Alertmanager receiver together) a minute per
   * API key or user, all replicas together (SMARTCLOUDOPS_ALERT_INGEST_RATE_LIMIT); beyond, 429.
   */
  ingestRequestsPerMinute: number;
}

export const DEFAULT_ALERTS_SETTINGS: AlertsSettings = { sweepIntervalMs: 5_000, ruleIntervalMs: 30_000, anomalyQuietMs: 10 * 60_000, ingestRequestsPerMinute: 3_000 };

export interface AlertsDeps {
  data: AlertData;
  /** Lent by incidents: where a firing alert is grouped and its timeline written. */
  links: IncidentLinks;
  /** Lent by notifications: who hears that an alert fired or resolved. */
  notifier: AlertNotifier;
  /** Series by selector, for threshold rules; without it no rule is evaluated. */
  metrics?: MetricsQuery;
  settings?: Partial<AlertsSettings>;
}

export interface AlertsService {
  /** The lifecycle every source goes through: ingest, acknowledge, resolve, silences, upkeep. */
  service: AlertService;
  /** Where HTTP batches go in: those of one event loop turn commit together. */
  coalescer: IngestCoalescer;
  alerts: AlertStore;
  silences: SilenceStore;
  rules: RuleStore;
  evaluator: RuleEvaluator | null;
  /** Series by selector (the rule preview reads it); null when no metrics store is lent. */
  metrics: MetricsQuery | null;
  audit: AuditLog;
  now: () => number;
  /** Lent to the detectors (anomaly engine, data source watches): an anomaly in, its alert stored. */
  alarms: AlarmSink;
  /** The ingest routes' hook: a per-principal request budget (`ingestRequestsPerMinute`). */
  ingestLimit: onRequestHookHandler;
}

/**
 * Alerts, silences, threshold rules and the Alertmanager receiver. Anomalies arrive through
 * the `alarms` sink lent to the detectors; grouping and notifications are lent in as interfaces.
 */
export function createAlertsFeature(ctx: ServerContext, deps: AlertsDeps): Feature<AlertsService> {
  const settings = { ...DEFAULT_ALERTS_SETTINGS, ...deps.settings };
  const { alerts, silences } = deps.data;
  const rules = new RuleStore(ctx.sql);
  const service = new AlertService({ alerts, silences, linker: deps.links, notifier: deps.notifier, audit: ctx.audit, run: unitRunner(ctx.sql, ctx.db, ctx.events), now: ctx.now });
  const evaluator = deps.metrics ? new RuleEvaluator(rules, deps.metrics, (events, within) => service.ingest(events, SYSTEM, undefined, within)) : null;
  const alarms: AlarmSink = {
    raise: async (anomaly, raisedBy) => {
      const events = [anomalyToEvent(anomaly, settings.anomalyQuietMs)];
      if (raisedBy) await service.ingestTogether([{ events, actor: SYSTEM, pushedBy: raisedBy }]);
      else await service.ingest(events);
    },
  };
  // Per API key or user, decided in memory and shared by the replicas through rate_limit_counters
  // in the background (as the chat's and the query proxy's budgets): no write per ingest request.
  const ingestBudget = new QueryBudget({
    max: settings.ingestRequestsPerMinute,
    windowMs: 60_000,
    sql: ctx.sql,
    now: ctx.now,
    keyPrefix: 'alert-ingest:',
    onSyncError: (error) => ctx.log.warn({ err: error }, 'alert ingest rate limit: the shared counters could not be written'),
  });
  const ingestLimit = ingestRateLimitHook(ingestBudget, settings.ingestRequestsPerMinute);
  const alerting: AlertsService = { service, coalescer: new IngestCoalescer(service), alerts, silences, rules, evaluator, metrics: deps.metrics ?? null, audit: ctx.audit, now: ctx.now, alarms, ingestLimit };

  return {
    service: alerting,
    plugin: async (app) => {
      const background = startAlertsBackground(ctx, alerting, settings);
      app.addHook('onClose', async () => background.stop());
      app.addHook('onClose', () => ingestBudget.close());
      await background.ready;
      await app.register(alertRoutes, { alerting });
      await app.register(ruleRoutes, { alerting });
      await app.register(alertmanagerRoutes, { alerting });
    },
  };
}

/** Reconciles silences and runs upkeep and rule timers; answers how to stop. */
function startAlertsBackground(ctx: ServerContext, { service, evaluator }: AlertsService, settings: AlertsSettings): { ready: Promise<void>; stop: () => Promise<void> } {
  // Reconcile silenced flags with the silences as stored (a crash may have come between
  // creating a silence and marking its alerts, or a silence may have ended while down).
  // Awaited by `ready()` (the plugin), so tests and the first requests see the result.
  const reconciled = service.applySilences().catch((error: unknown) => ctx.log.error({ err: error }, 'could not reconcile silenced alerts'));
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<Promise<void>>();
  /**
   * Runs `pass` every `intervalMs` on the leader of scheduled work alone (with replicas: once
   * per cluster), never overlapping itself: a pass still running when the next tick comes
   * (its reads are awaited) is not started again.
   */
  const leaderPass = (intervalMs: number, pass: () => Promise<void>, failure: string) => {
    if (intervalMs <= 0) return;
    let running: Promise<void> | undefined;
    const timer = setInterval(() => {
      if (!ctx.leadership.isLeader || running) return;
      const current = (running = pass()
        .catch((error: unknown) => ctx.log.error({ err: error }, failure))
        .finally(() => {
          running = undefined;
          inFlight.delete(current);
        }));
      inFlight.add(current);
    }, intervalMs);
    timer.unref();
    timers.push(timer);
  };
  // Expiry and silence boundaries.
  leaderPass(settings.sweepIntervalMs, () => service.sweep(), 'alert upkeep failed');
  // Threshold rules: a rule fires once, not once per replica.
  if (evaluator) leaderPass(settings.ruleIntervalMs, () => evaluator.evaluateAll(ctx.now()), 'rule evaluation failed');
  return {
    ready: reconciled,
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

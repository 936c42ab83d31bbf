import type { FastifyPluginAsync } from 'fastify';
import type { AlarmSink } from '../core/alarm-sink.ts';
import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { DEFAULT_PROXY_SETTINGS, QueryProxy, type ProxySettings } from './proxy.ts';
import { QueryBudget } from './query-budget.ts';
import { datasourceRoutes } from './routes.ts';
import { PromqlRuleRunner, type RuleHost } from './promql-rules.ts';
import { SecretBox } from './secret-box.ts';
import { DEFAULT_RECORD_TTL_MS, DatasourceService } from './service.ts';
import { DatasourceStore } from './store.ts';
import { DEFAULT_WATCH_SETTINGS, WatchRunner, type WatchSettings } from './watches/runner.ts';
import { watchRoutes } from './watches/routes.ts';
import { WatchService } from './watches/service.ts';
import { WatchStore } from './watches/store.ts';
import { createWorkClaims } from '../db/sql/work-claims.ts';

export interface DatasourceSettings extends ProxySettings {
  /** Proxy requests per user per minute. */
  queriesPerMinute: number;
  watches: WatchSettings;
  /** How long the query path trusts its in-memory copy of a source, ms (service.ts). */
  recordTtlMs: number;
  /** SMARTCLOUDOPS_DATASOURCE_KEY: the secrets' key shared by every replica (secret-box.ts); unset, see SecretBox.load. */
  secretKey?: string | undefined;
}

export const DEFAULT_DATASOURCE_SETTINGS: DatasourceSettings = { ...DEFAULT_PROXY_SETTINGS, queriesPerMinute: 600, watches: DEFAULT_WATCH_SETTINGS, recordTtlMs: DEFAULT_RECORD_TTL_MS };

export interface DatasourcesFeature {
  service: DatasourceService;
  /** The secrets' key, shared by the replicas (SecretBox.load); runbooks derive their plan hash key from it. */
  secrets: Promise<SecretBox>;
  proxy: QueryProxy;
  /** The per-user query rate limit of the proxy's routes. */
  budget: QueryBudget;
  watches: WatchService;
  runner: WatchRunner;
  settings: DatasourceSettings;
  now: () => number;
  /** Whether this replica runs scheduled work (PromQL rule evaluation); see ServerContext.leadership. */
  isLeader: () => boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Prometheus-compatible data sources and their query proxy, for other features and tests. */
    datasources: DatasourcesFeature;
  }
}

export type DatasourceSettingsInput = Partial<Omit<DatasourceSettings, 'watches'>> & { watches?: Partial<WatchSettings> };

/** The services of the feature (watches and rules query through the proxy). */
function buildDatasources(ctx: ServerContext, alarms: AlarmSink, settings: DatasourceSettingsInput = {}): DatasourcesFeature {
  const merged: DatasourceSettings = { ...DEFAULT_DATASOURCE_SETTINGS, ...settings, watches: { ...DEFAULT_WATCH_SETTINGS, ...settings.watches } };
  const box = SecretBox.load({ envKey: merged.secretKey, dataDir: ctx.config.dataDir, sql: ctx.sql, now: ctx.now });
  if (!merged.secretKey && ctx.sql.dialect === 'postgres') {
    // Works with no set-up, but a dump of the database then holds the key beside what it seals.
    ctx.log.warn('data source credentials are sealed with a key kept in PostgreSQL (datasource_secret_key); set SMARTCLOUDOPS_DATASOURCE_KEY on every replica to keep the key apart from the database (docs/datasources.md)');
  }
  const service = new DatasourceService(ctx, new DatasourceStore(ctx.sql, box), { recordTtlMs: merged.recordTtlMs });
  const proxy = new QueryProxy(service, merged);
  const budget = new QueryBudget({ max: merged.queriesPerMinute, windowMs: 60_000, sql: ctx.sql, now: ctx.now, onSyncError: (error) => ctx.log.warn({ err: error }, 'datasource query budget: the shared counters could not be written') });
  const store = new WatchStore(ctx.sql);
  // Each watch is scored by one live replica (on SQLite, this process): see WatchRunner.
  const claims = createWorkClaims(ctx.sql, { name: 'anomaly-watches', timeoutMs: Math.max(5_000, merged.watches.syncMs), log: ctx.log, replicaId: ctx.replicaId });
  const runner = new WatchRunner(ctx, proxy, store, merged.watches, claims, alarms);
  const watches = new WatchService({ ctx, store, runner, datasources: service, proxy, limits: merged.watches });
  return { service, secrets: box, proxy, budget, watches, runner, settings: merged, now: ctx.now, isLeader: () => ctx.leadership.isLeader };
}

/** Data sources: admin CRUD and test under /datasources, and the query proxy readers use. */
export interface DatasourcesPluginOptions {
  feature: DatasourcesFeature;
  /** The alerts feature's threshold rules, for those written in PromQL on a source, and its schedule. */
  rules?: { host: RuleHost; intervalMs: number };
}

export const datasourcesPlugin: FastifyPluginAsync<DatasourcesPluginOptions> = async (app, { feature, rules }) => {
  const ruleRunner = rules ? new PromqlRuleRunner(rules.host, feature.proxy, feature.now, feature.isLeader, (error) => app.log.warn({ err: error }, 'PromQL rules could not be evaluated; trying again at the next tick')) : undefined;
  app.addHook('onReady', async () => {
    await feature.service.store.ready();
    await feature.runner.start();
    ruleRunner?.start(rules!.intervalMs);
  });
  app.addHook('onClose', async () => {
    await ruleRunner?.stop();
    await feature.runner.stop();
    await feature.budget.close();
    feature.service.close();
  });
  await app.register(datasourceRoutes, { datasources: feature.service, proxy: feature.proxy, budget: feature.budget, queriesPerMinute: feature.settings.queriesPerMinute });
  await app.register(watchRoutes, { watches: feature.watches });
};

export interface DatasourcesDeps {
  settings?: DatasourceSettingsInput;
  /** The alerts feature's: where a watch's anomaly becomes an alert. */
  alarms: AlarmSink;
  /** The alerts feature's threshold rules, for those written in PromQL on a source, and its schedule. */
  rules?: { host: RuleHost; intervalMs: number };
}

/** Data sources in the one feature shape (docs/architecture.md): service + plugin. */
export function createDatasourcesFeature(ctx: ServerContext, deps: DatasourcesDeps): Feature<DatasourcesFeature> {
  const feature = buildDatasources(ctx, deps.alarms, deps.settings);
  return { service: feature, plugin: async (app) => app.register(datasourcesPlugin, { feature, ...(deps.rules ? { rules: deps.rules } : {}) }) };
}

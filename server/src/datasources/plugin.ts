import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.ts';
import { DEFAULT_PROXY_SETTINGS, QueryProxy, type ProxySettings } from './proxy.ts';
import { datasourceRoutes } from './routes.ts';
import { SecretBox } from './secret-box.ts';
import { DatasourceService } from './service.ts';
import { DatasourceStore } from './store.ts';

export interface DatasourceSettings extends ProxySettings {
  /** Proxy requests per user per minute. */
  queriesPerMinute: number;
}

export const DEFAULT_DATASOURCE_SETTINGS: DatasourceSettings = { ...DEFAULT_PROXY_SETTINGS, queriesPerMinute: 600 };

export interface DatasourcesFeature {
  service: DatasourceService;
  proxy: QueryProxy;
  settings: DatasourceSettings;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Prometheus-compatible data sources and their query proxy, for other features and tests. */
    datasources: DatasourcesFeature;
  }
}

/** Built by the server (watches and rules query through it); the plugin serves its API. */
export function createDatasourcesFeature(ctx: ServerContext, settings: Partial<DatasourceSettings> = {}): DatasourcesFeature {
  const merged = { ...DEFAULT_DATASOURCE_SETTINGS, ...settings };
  const service = new DatasourceService(ctx, new DatasourceStore(ctx.db, new SecretBox(ctx.config.dataDir)));
  return { service, proxy: new QueryProxy(service, merged), settings: merged };
}

/** Data sources: admin CRUD and test under /datasources, and the query proxy readers use. */
export const datasourcesPlugin: FastifyPluginAsync<{ feature: DatasourcesFeature }> = async (app, { feature }) => {
  app.addHook('onClose', async () => feature.service.close());
  await app.register(datasourceRoutes, { datasources: feature.service, proxy: feature.proxy, queriesPerMinute: feature.settings.queriesPerMinute });
};

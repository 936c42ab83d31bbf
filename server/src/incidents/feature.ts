import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { unitRunner } from '../core/unit-of-work.ts';
import type { AlertStore } from '../alerts/store.ts';
import type { SilenceStore } from '../alerts/silences.ts';
import type { IncidentLinks } from '../alerts/ports.ts';
import type { MetricsQuery } from '../metrics/query.ts';
import { DEFAULT_GROUPING, type GroupingPolicy } from './grouping.ts';
import { groupingRoutes } from './grouping-routes.ts';
import { GroupingSettings } from './grouping-settings.ts';
import { IncidentLinker } from './linker.ts';
import { incidentRoutes } from './routes.ts';
import { searchRoutes } from './search-routes.ts';
import { IncidentService, type SourceCatalog } from './service.ts';
import { SourceQueryStore } from './source-queries.ts';
import { IncidentStore } from './store.ts';
import { TimelineStore } from './timeline.ts';

export interface IncidentsDeps {
  /** The alerts feature's data: an incident shows, merges and splits its alerts. */
  alerts: { alerts: AlertStore; silences: SilenceStore };
  /** Default group-by labels, window and auto-resolve (an admin may override them); unset parts keep DEFAULT_GROUPING's. */
  grouping?: Partial<GroupingPolicy>;
  /** The numbers around an incident in its export. */
  metrics?: MetricsQuery;
  /** The data sources a source query on the metrics panel may name. */
  sources?: SourceCatalog;
}

export interface IncidentsService {
  incidents: IncidentStore;
  timeline: TimelineStore;
  /** Human changes: status, commander, merge, split, notes, export. */
  service: IncidentService;
  /** Lent to the alerts feature: groups a firing alert into an incident and writes its timeline. */
  links: IncidentLinks;
  /** The grouping policy in force: the defaults, overridden from the console. */
  grouping: GroupingSettings;
}

/** Incidents: grouping of alerts, the timeline, notes and the postmortem export. */
export function createIncidentsFeature(ctx: ServerContext, deps: IncidentsDeps): Feature<IncidentsService> {
  const incidents = new IncidentStore(ctx.sql);
  const timeline = new TimelineStore(ctx.sql);
  const service = new IncidentService({
    incidents,
    timeline,
    alerts: deps.alerts.alerts,
    silences: deps.alerts.silences,
    audit: ctx.audit,
    run: unitRunner(ctx.sql, ctx.db, ctx.events),
    now: ctx.now,
    metrics: deps.metrics,
    sourceQueries: new SourceQueryStore(ctx.sql),
    ...(deps.sources ? { sources: deps.sources } : {}),
  });
  const grouping = new GroupingSettings(ctx.sql, { ...DEFAULT_GROUPING, ...deps.grouping }, ctx.audit, ctx.now);
  const links = new IncidentLinker(incidents, timeline, () => grouping.policy, ctx.audit);
  return {
    service: { incidents, timeline, service, links, grouping },
    plugin: async (app) => {
      await grouping.start();
      app.addHook('onClose', async () => grouping.stop());
      await app.register(incidentRoutes, { incidents, timeline, service });
      await app.register(searchRoutes, { incidents, alerts: deps.alerts.alerts });
      await app.register(groupingRoutes, { settings: grouping });
    },
  };
}

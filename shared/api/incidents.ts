import { Type, type Static } from 'typebox';
import { IdParamsSchema, offsetPageOf } from './params.ts';
import { defineRoute } from './route.ts';
import { OffsetSchema } from './numbers.ts';
import { AlertSchema, AlertHistoryEntrySchema, LABEL_FILTER_PATTERN, SeveritySchema, SilenceSchema } from './alerts.ts';

/**
 * The incidents API contract: incidents, their timeline, and the export bundle that the
 * desktop stores as-is for offline review.
 */

export const INCIDENT_STATUSES = ['open', 'mitigated', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const IncidentStatusSchema = Type.Enum(INCIDENT_STATUSES);

export const IncidentSchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  /** Highest severity of its alerts. */
  severity: SeveritySchema,
  status: IncidentStatusSchema,
  commander: Type.Union([Type.String(), Type.Null()]),
  /** What the alerts were grouped on, e.g. `target=web-1`. */
  groupKey: Type.String(),
  openedAt: Type.Integer(),
  /** Last alert activity; new alerts of the same group join while within the window. */
  lastActivityAt: Type.Integer(),
  mitigatedAt: Type.Union([Type.Integer(), Type.Null()]),
  resolvedAt: Type.Union([Type.Integer(), Type.Null()]),
  /** Set when this incident was merged into another one. */
  mergedInto: Type.Union([Type.Integer(), Type.Null()]),
  alertCount: Type.Integer(),
  /** Alerts firing and not acknowledged. */
  firingCount: Type.Integer(),
  /**
   * Alerts acknowledged (someone is on them) and not yet resolved. Optional within bundle
   * version 1: bundles exported before it existed counted these as firing.
   */
  acknowledgedCount: Type.Optional(Type.Integer()),
  updatedAt: Type.Integer(),
});
export type Incident = Static<typeof IncidentSchema>;

export const TIMELINE_KINDS = [
  'incident_opened',
  /** A resolved or mitigated incident an alert of its group fired in again, within the group window. */
  'reopened',
  'alert_firing',
  'alert_resolved',
  'alert_acknowledged',
  'alert_unacknowledged',
  'alert_silenced',
  'alert_unsilenced',
  'anomaly',
  'note',
  'status_changed',
  'commander_changed',
  'title_changed',
  'severity_changed',
  'merged',
  'split',
  'command',
  'runbook_run',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const TimelineEntrySchema = Type.Object({
  id: Type.Integer(),
  incidentId: Type.Integer(),
  ts: Type.Integer(),
  kind: Type.Enum(TIMELINE_KINDS),
  actor: Type.String(),
  actorKind: Type.Enum(['user', 'apiKey', 'system']),
  alertId: Type.Union([Type.Integer(), Type.Null()]),
  /** One line a person can read: "Alert HighCpu firing on web-1", the note text, ... */
  text: Type.String(),
  /** Kind-specific details (explanation, from/to status, silence id, ...). */
  data: Type.Record(Type.String(), Type.Unknown()),
  /** Notes only: last edit, and soft deletion (the text is kept in the revisions). */
  editedAt: Type.Union([Type.Integer(), Type.Null()]),
  deletedAt: Type.Union([Type.Integer(), Type.Null()]),
  deletedBy: Type.Union([Type.String(), Type.Null()]),
  revisionCount: Type.Integer(),
});
export type TimelineEntry = Static<typeof TimelineEntrySchema>;

export const NoteRevisionSchema = Type.Object({
  id: Type.Integer(),
  entryId: Type.Integer(),
  /** The text as it was before this edit or deletion. */
  text: Type.String(),
  replacedAt: Type.Integer(),
  replacedBy: Type.String(),
  change: Type.Enum(['edit', 'delete']),
});
export type NoteRevision = Static<typeof NoteRevisionSchema>;

export const INCIDENT_SORTS = ['openedAt', 'lastActivityAt', 'severity'] as const;

export const IncidentListQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.String({ pattern: '^(open|mitigated|resolved)(,(open|mitigated|resolved))*$' })),
    severity: Type.Optional(Type.String({ pattern: '^(info|warning|critical)(,(info|warning|critical))*$' })),
    q: Type.Optional(Type.String({ maxLength: 256 })),
    /** Incidents with an alert carrying these labels, `name=value`, comma-separated. */
    label: Type.Optional(Type.String({ maxLength: 1024, pattern: LABEL_FILTER_PATTERN })),
    commander: Type.Optional(Type.String({ maxLength: 128 })),
    /** Only incidents without a commander. */
    unassigned: Type.Optional(Type.Boolean()),
    /** Incidents active (openedAt..resolvedAt overlapping) within [from, to], unix ms. */
    from: Type.Optional(Type.Integer()),
    to: Type.Optional(Type.Integer()),
    sort: Type.Optional(Type.Enum(INCIDENT_SORTS)),
    order: Type.Optional(Type.Enum(['asc', 'desc'])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    offset: Type.Optional(OffsetSchema),
  },
  { additionalProperties: false },
);
export type IncidentListQuery = Static<typeof IncidentListQuerySchema>;

export const IncidentPageSchema = offsetPageOf(IncidentSchema);
export type IncidentPage = Static<typeof IncidentPageSchema>;

export const IncidentDetailSchema = Type.Object({
  incident: IncidentSchema,
  alerts: Type.Array(AlertSchema),
});
export type IncidentDetail = Static<typeof IncidentDetailSchema>;

export const UpdateIncidentRequestSchema = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    status: Type.Optional(IncidentStatusSchema),
    /** Username of the incident commander; null clears it. */
    commander: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
    comment: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateIncidentRequest = Static<typeof UpdateIncidentRequestSchema>;

export const MergeIncidentsRequestSchema = Type.Object(
  { incidentIds: Type.Array(Type.Integer(), { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);
export type MergeIncidentsRequest = Static<typeof MergeIncidentsRequestSchema>;

export const SplitIncidentRequestSchema = Type.Object(
  {
    alertIds: Type.Array(Type.Integer(), { minItems: 1, maxItems: 1000 }),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type SplitIncidentRequest = Static<typeof SplitIncidentRequestSchema>;

export const NoteRequestSchema = Type.Object({ text: Type.String({ minLength: 1, maxLength: 16_384 }) }, { additionalProperties: false });
export type NoteRequest = Static<typeof NoteRequestSchema>;

export const ExportQuerySchema = Type.Object({ format: Type.Optional(Type.Enum(['md', 'json'])) }, { additionalProperties: false });

export const MetricSummarySchema = Type.Object({
  selector: Type.String(),
  name: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  samples: Type.Integer(),
  min: Type.Number(),
  avg: Type.Number(),
  max: Type.Number(),
  last: Type.Number(),
});
export type MetricSummary = Static<typeof MetricSummarySchema>;

export const INCIDENT_BUNDLE_VERSION = 1;

/**
 * Everything about one incident in one document, for offline review. The desktop cache
 * stores it as-is; `version` changes when the shape does.
 */
/**
 * A data-source (PromQL) query shown on the incident's metrics panel, stored with the
 * incident; the console charts it over the incident's metrics window through the source's
 * query proxy, and the desktop's "keep offline" caches that range too.
 */
export const IncidentSourceQuerySchema = Type.Object({
  id: Type.Integer(),
  incidentId: Type.Integer(),
  datasourceId: Type.Integer(),
  query: Type.String(),
  title: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Type.Integer(),
});
export type IncidentSourceQuery = Static<typeof IncidentSourceQuerySchema>;

export const AddSourceQueryRequestSchema = Type.Object(
  {
    datasourceId: Type.Integer({ minimum: 1 }),
    query: Type.String({ minLength: 1, maxLength: 4096 }),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type AddSourceQueryRequest = Static<typeof AddSourceQueryRequestSchema>;

export const SourceQueryParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }), queryId: Type.Integer({ minimum: 1 }) });

export const IncidentBundleSchema = Type.Object({
  version: Type.Literal(INCIDENT_BUNDLE_VERSION),
  exportedAt: Type.Integer(),
  incident: IncidentSchema,
  alerts: Type.Array(AlertSchema),
  alertHistory: Type.Array(AlertHistoryEntrySchema),
  timeline: Type.Array(TimelineEntrySchema),
  noteRevisions: Type.Array(NoteRevisionSchema),
  /** Silences that matched any of its alerts. */
  silences: Type.Array(SilenceSchema),
  /** Where the metrics around it live: the window and the series to fetch. */
  metricsWindow: Type.Object({
    from: Type.Integer(),
    to: Type.Integer(),
    /** Label sets of the alerts, as selectors the metrics API understands. */
    selectors: Type.Array(Type.String()),
    /**
     * What the embedded metrics store holds for those selectors in the window, summarised.
     * Optional within version 1: bundles exported before it existed stay valid.
     */
    series: Type.Optional(Type.Array(MetricSummarySchema)),
  }),
  /**
   * Data-source queries on its metrics panel, charted over `metricsWindow`. Optional
   * within version 1: bundles exported before it existed stay valid.
   */
  sourceQueries: Type.Optional(Type.Array(IncidentSourceQuerySchema)),
});
export type IncidentBundle = Static<typeof IncidentBundleSchema>;

// Routes -------------------------------------------------------------------------------

export const NoteParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }), entryId: Type.Integer({ minimum: 1 }) });

const tags = ['incidents'];

/** Incidents, their timeline and notes, and the postmortem export. */
export const incidentsRoutes = {
  list: defineRoute({ method: 'GET', path: '/incidents', access: 'incidents:read', tags, query: IncidentListQuerySchema, response: IncidentPageSchema }),
  get: defineRoute({ method: 'GET', path: '/incidents/:id', access: 'incidents:read', tags, params: IdParamsSchema, response: IncidentDetailSchema }),
  update: defineRoute({ method: 'PATCH', path: '/incidents/:id', access: 'incidents:write', tags, params: IdParamsSchema, body: UpdateIncidentRequestSchema, response: IncidentSchema }),
  merge: defineRoute({ method: 'POST', path: '/incidents/:id/merge', access: 'incidents:write', tags, params: IdParamsSchema, body: MergeIncidentsRequestSchema, response: IncidentSchema }),
  split: defineRoute({
    method: 'POST', path: '/incidents/:id/split', access: 'incidents:write', tags, params: IdParamsSchema, body: SplitIncidentRequestSchema, response: IncidentSchema, status: 201,
  }),
  timeline: defineRoute({ method: 'GET', path: '/incidents/:id/timeline', access: 'incidents:read', tags, params: IdParamsSchema, response: Type.Array(TimelineEntrySchema) }),
  addNote: defineRoute({
    method: 'POST', path: '/incidents/:id/notes', access: 'incidents:write', tags, params: IdParamsSchema, body: NoteRequestSchema, response: TimelineEntrySchema, status: 201,
  }),
  editNote: defineRoute({
    method: 'PUT', path: '/incidents/:id/notes/:entryId', access: 'incidents:write', tags, params: NoteParamsSchema, body: NoteRequestSchema, response: TimelineEntrySchema,
  }),
  deleteNote: defineRoute({ method: 'DELETE', path: '/incidents/:id/notes/:entryId', access: 'incidents:write', tags, params: NoteParamsSchema, response: TimelineEntrySchema }),
  noteRevisions: defineRoute({
    method: 'GET', path: '/incidents/:id/notes/:entryId/revisions', access: 'incidents:read', tags, params: NoteParamsSchema, response: Type.Array(NoteRevisionSchema),
  }),
  sourceQueries: defineRoute({
    method: 'GET', path: '/incidents/:id/source-queries', access: 'incidents:read', tags, params: IdParamsSchema, response: Type.Array(IncidentSourceQuerySchema),
  }),
  addSourceQuery: defineRoute({
    method: 'POST', path: '/incidents/:id/source-queries', access: 'incidents:write', tags, params: IdParamsSchema, body: AddSourceQueryRequestSchema, response: IncidentSourceQuerySchema, status: 201,
  }),
  removeSourceQuery: defineRoute({
    method: 'DELETE', path: '/incidents/:id/source-queries/:queryId', access: 'incidents:write', tags, params: SourceQueryParamsSchema, response: IncidentSourceQuerySchema,
  }),
  /** The JSON bundle (`format=json`, default) or the Markdown postmortem as text (`format=md`). */
  export: defineRoute({
    method: 'GET', path: '/incidents/:id/export', access: 'incidents:read', tags, params: IdParamsSchema, query: ExportQuerySchema, response: Type.Union([IncidentBundleSchema, Type.String()]),
  }),
} as const;

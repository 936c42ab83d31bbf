import { Type, type Static } from 'typebox';
import { IdParamsSchema, offsetPageOf } from './params.ts';
import { defineRoute } from './route.ts';
import { OffsetSchema, TimestampSchema } from './numbers.ts';

/**
 * The alerts API contract: alerts, their history, silences, threshold rules, outbound
 * webhooks and the Alertmanager receiver. Shared by the server (route schemas) and the
 * console (typed client), so both read the same definitions.
 */

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SeveritySchema = Type.Enum(SEVERITIES);

/** Rank for "highest severity" comparisons: info < warning < critical. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export const ALERT_STATES = ['firing', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const AlertStateSchema = Type.Enum(ALERT_STATES);

export const ALERT_SOURCES = ['anomaly', 'rule', 'alertmanager', 'api'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];
export const AlertSourceSchema = Type.Enum(ALERT_SOURCES);

export const LabelsSchema = Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.String({ maxLength: 1024 }));
export type Labels = Static<typeof LabelsSchema>;

export const AlertSchema = Type.Object({
  id: Type.Integer(),
  /** Stable hash of the labels: the same labels are the same alert. */
  fingerprint: Type.String(),
  source: AlertSourceSchema,
  state: AlertStateSchema,
  severity: SeveritySchema,
  labels: LabelsSchema,
  /** `summary`, `description`, `runbook_url`, `explanation`, ... */
  annotations: LabelsSchema,
  /** Unix ms the current firing episode started. */
  startsAt: Type.Integer(),
  /** Unix ms it resolved; null while firing or acknowledged. */
  endsAt: Type.Union([Type.Integer(), Type.Null()]),
  /** Unix ms the source last reported it (repeats update this, never a new alert). */
  lastSeenAt: Type.Integer(),
  updatedAt: Type.Integer(),
  /** How many times the source reported it firing. */
  occurrences: Type.Integer(),
  /** Matched by an active silence: kept, but no notification. */
  silenced: Type.Boolean(),
  silencedBy: Type.Array(Type.Integer()),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  acknowledgedAt: Type.Union([Type.Integer(), Type.Null()]),
  ackComment: Type.Union([Type.String(), Type.Null()]),
  incidentId: Type.Union([Type.Integer(), Type.Null()]),
  generatorUrl: Type.Union([Type.String(), Type.Null()]),
});
export type Alert = Static<typeof AlertSchema>;

export const AlertHistoryEntrySchema = Type.Object({
  id: Type.Integer(),
  alertId: Type.Integer(),
  ts: Type.Integer(),
  /** null for the creation of the alert. */
  fromState: Type.Union([AlertStateSchema, Type.Null()]),
  toState: AlertStateSchema,
  actor: Type.String(),
  actorKind: Type.Enum(['user', 'apiKey', 'system']),
  comment: Type.Union([Type.String(), Type.Null()]),
});
export type AlertHistoryEntry = Static<typeof AlertHistoryEntrySchema>;

/** `name=value` pairs, comma-separated; names as in Prometheus, values without commas. */
export const LABEL_FILTER_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*=[^,]*(,[A-Za-z_][A-Za-z0-9_]*=[^,]*)*$';

export const ALERT_SORTS = ['startsAt', 'updatedAt', 'severity', 'lastSeenAt'] as const;

export const AlertListQuerySchema = Type.Object(
  {
    /** Comma-separated states, e.g. `firing,acknowledged`. */
    state: Type.Optional(Type.String({ pattern: '^(firing|acknowledged|resolved)(,(firing|acknowledged|resolved))*$' })),
    severity: Type.Optional(Type.String({ pattern: '^(info|warning|critical)(,(info|warning|critical))*$' })),
    source: Type.Optional(AlertSourceSchema),
    /** Label equality filters, `name=value`, comma-separated. */
    label: Type.Optional(Type.String({ maxLength: 1024, pattern: LABEL_FILTER_PATTERN })),
    /** Free text over labels and annotations. */
    q: Type.Optional(Type.String({ maxLength: 256 })),
    silenced: Type.Optional(Type.Boolean()),
    incidentId: Type.Optional(Type.Integer()),
    /** Alerts active (startsAt..endsAt overlapping) within [from, to], unix ms. */
    from: Type.Optional(Type.Integer()),
    to: Type.Optional(Type.Integer()),
    sort: Type.Optional(Type.Enum(ALERT_SORTS)),
    order: Type.Optional(Type.Enum(['asc', 'desc'])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    offset: Type.Optional(OffsetSchema),
  },
  { additionalProperties: false },
);
export type AlertListQuery = Static<typeof AlertListQuerySchema>;

export const AlertPageSchema = offsetPageOf(AlertSchema);
export type AlertPage = Static<typeof AlertPageSchema>;

export const AcknowledgeRequestSchema = Type.Object(
  {
    /** Who owns it now; defaults to the caller. */
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    comment: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);
export type AcknowledgeRequest = Static<typeof AcknowledgeRequestSchema>;

export const CommentRequestSchema = Type.Object({ comment: Type.Optional(Type.String({ maxLength: 4096 })) }, { additionalProperties: false });
export type CommentRequest = Static<typeof CommentRequestSchema>;

/** One incoming alert event, as every source (anomaly, rule, Alertmanager, API) hands it to ingest. */
export const AlertEventSchema = Type.Object({
  source: AlertSourceSchema,
  status: Type.Enum(['firing', 'resolved']),
  labels: LabelsSchema,
  annotations: Type.Optional(LabelsSchema),
  severity: Type.Optional(SeveritySchema),
  /** Unix ms; defaults to receipt time. */
  startsAt: Type.Optional(TimestampSchema),
  /** For firing: when to auto-resolve without news; for resolved: when it ended. */
  endsAt: Type.Optional(TimestampSchema),
  generatorUrl: Type.Optional(Type.String()),
  /**
   * The group a source already put the alert in (Alertmanager's `groupKey` and
   * `groupLabels`): the alert joins that group's incident instead of being grouped by ours.
   */
  group: Type.Optional(Type.Object({ key: Type.String(), labels: LabelsSchema })),
});
export type AlertEvent = Static<typeof AlertEventSchema>;

/** `POST /alerts`: scripts and integrations push alerts directly (source `api`). */
export const PushAlertsRequestSchema = Type.Object(
  {
    alerts: Type.Array(
      Type.Object(
        {
          status: Type.Enum(['firing', 'resolved']),
          // A key's minLength/maxLength are not checked in a Record (only its pattern is, and
          // only with additionalProperties false): names of 1..128 characters, by pattern.
          labels: Type.Record(Type.String({ pattern: '^[\\s\\S]{1,128}$' }), Type.String({ maxLength: 1024 }), { minProperties: 1, additionalProperties: false }),
          annotations: Type.Optional(LabelsSchema),
          severity: Type.Optional(SeveritySchema),
          startsAt: Type.Optional(TimestampSchema),
          endsAt: Type.Optional(TimestampSchema),
          generatorUrl: Type.Optional(Type.String({ maxLength: 2048 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
export type PushAlertsRequest = Static<typeof PushAlertsRequestSchema>;

export const PushAlertsResultSchema = Type.Object({
  /** Per pushed alert, in order: its id, or null for a resolution of an alert never seen. */
  alertIds: Type.Array(Type.Union([Type.Integer(), Type.Null()])),
});
export type PushAlertsResult = Static<typeof PushAlertsResultSchema>;

// Silences -----------------------------------------------------------------------------

export const MATCHER_OPS = ['=', '!=', '=~', '!~'] as const;
export type MatcherOp = (typeof MATCHER_OPS)[number];

export const MatcherSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    /** `=` equal, `!=` not equal, `=~` regex (anchored), `!~` regex does not match. */
    op: Type.Enum(MATCHER_OPS),
    value: Type.String({ maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type Matcher = Static<typeof MatcherSchema>;

export const SILENCE_STATES = ['pending', 'active', 'expired'] as const;
export type SilenceState = (typeof SILENCE_STATES)[number];

export const SilenceSchema = Type.Object({
  id: Type.Integer(),
  matchers: Type.Array(MatcherSchema),
  startsAt: Type.Integer(),
  endsAt: Type.Integer(),
  createdBy: Type.String(),
  comment: Type.String(),
  createdAt: Type.Integer(),
  /** Who ended it before endsAt, if anyone. */
  expiredBy: Type.Union([Type.String(), Type.Null()]),
  state: Type.Enum(SILENCE_STATES),
});
export type Silence = Static<typeof SilenceSchema>;

export const CreateSilenceRequestSchema = Type.Object(
  {
    matchers: Type.Array(MatcherSchema, { minItems: 1, maxItems: 32 }),
    /** Unix ms; defaults to now. */
    startsAt: Type.Optional(TimestampSchema),
    /** Unix ms; give this or durationSeconds. */
    endsAt: Type.Optional(TimestampSchema),
    durationSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 * 86_400 })),
    comment: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);
export type CreateSilenceRequest = Static<typeof CreateSilenceRequestSchema>;

export const SilenceListQuerySchema = Type.Object(
  {
    state: Type.Optional(Type.String({ pattern: '^(pending|active|expired)(,(pending|active|expired))*$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    offset: Type.Optional(OffsetSchema),
  },
  { additionalProperties: false },
);
export type SilenceListQuery = Static<typeof SilenceListQuerySchema>;

export const SilencePageSchema = Type.Object({ items: Type.Array(SilenceSchema), total: Type.Integer() });
export type SilencePage = Static<typeof SilencePageSchema>;

// Threshold rules ----------------------------------------------------------------------

export const COMPARATORS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Comparator = (typeof COMPARATORS)[number];

export const RuleConditionSchema = Type.Object(
  {
    /** How the samples of the evaluation window are reduced to one value per series. */
    reducer: Type.Enum(['last', 'avg', 'max', 'min']),
    op: Type.Enum(COMPARATORS),
    threshold: Type.Number(),
  },
  { additionalProperties: false },
);
export type RuleCondition = Static<typeof RuleConditionSchema>;

const RuleFields = {
  name: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z_][A-Za-z0-9_:-]*$' }),
  /** Metric selector, e.g. `node_cpu_usage_ratio{host="web-1"}`. */
  selector: Type.String({ minLength: 1, maxLength: 1024 }),
  condition: RuleConditionSchema,
  /** Samples of the last windowSeconds are reduced to one value. */
  windowSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
  /** The condition must hold this long before the alert fires (0 fires at once). */
  forSeconds: Type.Integer({ minimum: 0, maximum: 7 * 86_400 }),
  severity: SeveritySchema,
  labels: LabelsSchema,
  /** `summary`, `description`, `runbook_url`; `{{value}}` and `{{labels.name}}` are filled in. */
  annotations: LabelsSchema,
  enabled: Type.Boolean(),
};

/** A rule on a Prometheus-compatible data source: a PromQL expression instead of a selector (docs/datasources.md). */
const PromqlRuleFields = {
  datasourceId: Type.Integer({ minimum: 1 }),
  expr: Type.String({ minLength: 1, maxLength: 16_384 }),
};

export const RuleSchema = Type.Object({
  id: Type.Integer(),
  ...RuleFields,
  /** Empty for a PromQL rule. */
  selector: Type.String({ maxLength: 1024 }),
  datasourceId: Type.Union([PromqlRuleFields.datasourceId, Type.Null()]),
  expr: Type.Union([PromqlRuleFields.expr, Type.Null()]),
  createdBy: Type.String(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  lastEvaluatedAt: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  /** Series currently pending or firing under this rule. */
  series: Type.Array(
    Type.Object({
      labels: LabelsSchema,
      state: Type.Enum(['pending', 'firing']),
      since: Type.Integer(),
      value: Type.Number(),
    }),
  ),
});
export type Rule = Static<typeof RuleSchema>;

export const RuleInputSchema = Type.Object(
  {
    name: RuleFields.name,
    /** Either a selector on the embedded store, or `datasourceId` + `expr` (PromQL on that source). */
    selector: Type.Optional(RuleFields.selector),
    datasourceId: Type.Optional(PromqlRuleFields.datasourceId),
    expr: Type.Optional(PromqlRuleFields.expr),
    condition: RuleFields.condition,
    windowSeconds: Type.Optional(RuleFields.windowSeconds),
    forSeconds: Type.Optional(RuleFields.forSeconds),
    severity: Type.Optional(RuleFields.severity),
    labels: Type.Optional(RuleFields.labels),
    annotations: Type.Optional(RuleFields.annotations),
    enabled: Type.Optional(RuleFields.enabled),
  },
  { additionalProperties: false },
);
export type RuleInput = Static<typeof RuleInputSchema>;

// Outbound webhooks --------------------------------------------------------------------

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const WebhookSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  url: Type.String(),
  /** `json`: our alert notification document; `slack`: Slack incoming-webhook message. */
  format: Type.Enum(WEBHOOK_FORMATS),
  /** Only alerts of this severity or higher are sent. */
  minSeverity: SeveritySchema,
  enabled: Type.Boolean(),
  createdBy: Type.String(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type Webhook = Static<typeof WebhookSchema>;

export const WebhookInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    url: Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://' }),
    format: Type.Optional(Type.Enum(WEBHOOK_FORMATS)),
    minSeverity: Type.Optional(SeveritySchema),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type WebhookInput = Static<typeof WebhookInputSchema>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const WebhookDeliverySchema = Type.Object({
  id: Type.Integer(),
  webhookId: Type.Integer(),
  alertId: Type.Integer(),
  /** What happened to the alert: `firing` or `resolved`. */
  event: Type.String(),
  status: Type.Enum(DELIVERY_STATUSES),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.Integer(), Type.Null()]),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Integer(),
  deliveredAt: Type.Union([Type.Integer(), Type.Null()]),
});
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>;

/** The body our `json` webhooks receive. */
export const AlertNotificationSchema = Type.Object({
  version: Type.Literal(1),
  event: Type.Enum(['firing', 'resolved']),
  alert: AlertSchema,
  /** Link into the console, when the server knows its public URL. */
  sentAt: Type.Integer(),
});
export type AlertNotification = Static<typeof AlertNotificationSchema>;

// Alertmanager receiver ----------------------------------------------------------------

/** One alert of Alertmanager's webhook payload (version 4). */
export const AlertmanagerAlertSchema = Type.Object({
  status: Type.Enum(['firing', 'resolved']),
  labels: Type.Record(Type.String({ minLength: 1 }), Type.String()),
  annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.Optional(Type.String({ format: 'date-time' })),
  generatorURL: Type.Optional(Type.String()),
  fingerprint: Type.Optional(Type.String()),
});
export type AlertmanagerAlert = Static<typeof AlertmanagerAlertSchema>;

/** The envelope; each alert in it is validated on its own so one bad alert never drops the rest. */
export const AlertmanagerPayloadSchema = Type.Object({
  version: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  receiver: Type.Optional(Type.String()),
  /** Alertmanager's identity of the notification's group, e.g. `{}:{alertname="HighLatency"}`. */
  groupKey: Type.Optional(Type.String({ maxLength: 8192 })),
  /** The labels of the route's `group_by` with their values for this group. */
  groupLabels: Type.Optional(Type.Record(Type.String(), Type.String())),
  commonLabels: Type.Optional(Type.Record(Type.String(), Type.String())),
  commonAnnotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  externalURL: Type.Optional(Type.String()),
  alerts: Type.Array(Type.Unknown(), { maxItems: 10_000 }),
});

export const AlertmanagerResultSchema = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), errors: Type.Array(Type.String()) })),
  alertIds: Type.Array(Type.Integer()),
});
export type AlertmanagerResult = Static<typeof AlertmanagerResultSchema>;

// Console tools: alert detail, silence preview and undo, rule preview ------------------

/** `GET /alerts/:id/detail`: everything the alert drawer shows in one read. */
export const AlertDetailSchema = Type.Object({
  alert: AlertSchema,
  history: Type.Array(AlertHistoryEntrySchema),
  /** Pending and active silences whose matchers match the alert's labels (whether or not they silence it yet). */
  silences: Type.Array(SilenceSchema),
});
export type AlertDetail = Static<typeof AlertDetailSchema>;

export const SilencePreviewRequestSchema = Type.Object({ matchers: Type.Array(MatcherSchema, { minItems: 1, maxItems: 32 }) }, { additionalProperties: false });
export type SilencePreviewRequest = Static<typeof SilencePreviewRequestSchema>;

/** The unresolved alerts a silence with these matchers would match now (at most 100 listed). */
export const SilencePreviewSchema = Type.Object({ alerts: Type.Array(AlertSchema), total: Type.Integer() });
export type SilencePreview = Static<typeof SilencePreviewSchema>;

/** Undoes an expire: the silence runs again until `endsAt` (its end before it was expired). */
export const RestoreSilenceRequestSchema = Type.Object({ endsAt: TimestampSchema }, { additionalProperties: false });
export type RestoreSilenceRequest = Static<typeof RestoreSilenceRequestSchema>;

export const RulePreviewRequestSchema = Type.Object(
  {
    rule: RuleInputSchema,
    /** How far back to replay the rule, seconds (default 1 h). */
    lookbackSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 7 * 86_400 })),
  },
  { additionalProperties: false },
);
export type RulePreviewRequest = Static<typeof RulePreviewRequestSchema>;

export const RulePreviewSeriesSchema = Type.Object({
  name: Type.String(),
  labels: LabelsSchema,
  /** The reduced value now; null when the window holds no sample. */
  value: Type.Union([Type.Number(), Type.Null()]),
  /** The condition holds now. */
  holds: Type.Boolean(),
  /** Replaying the lookback with `for`: the rule would be firing now. */
  firing: Type.Boolean(),
  /** Times it would have started firing within the lookback. */
  fired: Type.Integer(),
  /** Reduced value at each step of `times` (null: no sample in the window). */
  values: Type.Array(Type.Union([Type.Number(), Type.Null()])),
});
export type RulePreviewSeries = Static<typeof RulePreviewSeriesSchema>;

/** `POST /alert-rules/preview`: the rule replayed against recent data, nothing stored or fired. */
export const RulePreviewSchema = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  stepSeconds: Type.Integer(),
  /** Evaluation instants, unix ms, oldest first. */
  times: Type.Array(Type.Integer()),
  series: Type.Array(RulePreviewSeriesSchema),
  /** More series matched than listed (the firing ones and the highest values are kept). */
  truncated: Type.Boolean(),
});
export type RulePreview = Static<typeof RulePreviewSchema>;

// Routes -------------------------------------------------------------------------------

const tags = ['alerts'];
/** Both ingest routes share one budget per principal (docs/alerts.md, "Ingest rate limit"). */
const INGEST_LIMIT_SUMMARY = 'Alert ingest. At most SMARTCLOUDOPS_ALERT_INGEST_RATE_LIMIT requests a minute per API key or user (default 3000, this route and the other ingest route together), beyond 429 E_RATE_LIMITED with Retry-After.';

/** Alerts: reading for viewers, acknowledging for operators, pushing for integrations. */
export const alertsRoutes = {
  list: defineRoute({ method: 'GET', path: '/alerts', access: 'alerts:read', tags, query: AlertListQuerySchema, response: AlertPageSchema }),
  push: defineRoute({ method: 'POST', path: '/alerts', access: 'alerts:write', tags, summary: INGEST_LIMIT_SUMMARY, body: PushAlertsRequestSchema, response: PushAlertsResultSchema }),
  get: defineRoute({ method: 'GET', path: '/alerts/:id', access: 'alerts:read', tags, params: IdParamsSchema, response: AlertSchema }),
  history: defineRoute({ method: 'GET', path: '/alerts/:id/history', access: 'alerts:read', tags, params: IdParamsSchema, response: Type.Array(AlertHistoryEntrySchema) }),
  acknowledge: defineRoute({
    method: 'POST', path: '/alerts/:id/acknowledge', access: 'alerts:write', tags, params: IdParamsSchema, body: AcknowledgeRequestSchema, response: AlertSchema,
  }),
  unacknowledge: defineRoute({
    method: 'POST', path: '/alerts/:id/unacknowledge', access: 'alerts:write', tags, params: IdParamsSchema, body: CommentRequestSchema, bodyOptional: true, response: AlertSchema,
  }),
  resolve: defineRoute({
    method: 'POST', path: '/alerts/:id/resolve', access: 'alerts:write', tags, params: IdParamsSchema, body: CommentRequestSchema, bodyOptional: true, response: AlertSchema,
  }),
  detail: defineRoute({ method: 'GET', path: '/alerts/:id/detail', access: 'alerts:read', tags, params: IdParamsSchema, response: AlertDetailSchema }),
} as const;

/** Silences: reading for viewers, creating and expiring with `silences:write`. */
export const silencesRoutes = {
  list: defineRoute({ method: 'GET', path: '/silences', access: 'alerts:read', tags, query: SilenceListQuerySchema, response: SilencePageSchema }),
  get: defineRoute({ method: 'GET', path: '/silences/:id', access: 'alerts:read', tags, params: IdParamsSchema, response: SilenceSchema }),
  create: defineRoute({ method: 'POST', path: '/silences', access: 'silences:write', tags, body: CreateSilenceRequestSchema, response: SilenceSchema, status: 201 }),
  expire: defineRoute({ method: 'POST', path: '/silences/:id/expire', access: 'silences:write', tags, params: IdParamsSchema, response: SilenceSchema }),
  preview: defineRoute({ method: 'POST', path: '/silences/preview', access: 'alerts:read', tags, body: SilencePreviewRequestSchema, response: SilencePreviewSchema }),
  restore: defineRoute({ method: 'POST', path: '/silences/:id/restore', access: 'silences:write', tags, params: IdParamsSchema, body: RestoreSilenceRequestSchema, response: SilenceSchema }),
} as const;

const ruleTags = ['alert rules'];

/** Threshold rules: anyone who reads alerts may read them; admins manage them. */
export const alertRulesRoutes = {
  list: defineRoute({ method: 'GET', path: '/alert-rules', access: 'alerts:read', tags: ruleTags, response: Type.Array(RuleSchema) }),
  get: defineRoute({ method: 'GET', path: '/alert-rules/:id', access: 'alerts:read', tags: ruleTags, params: IdParamsSchema, response: RuleSchema }),
  create: defineRoute({ method: 'POST', path: '/alert-rules', access: 'rules:manage', tags: ruleTags, body: RuleInputSchema, response: RuleSchema, status: 201 }),
  replace: defineRoute({ method: 'PUT', path: '/alert-rules/:id', access: 'rules:manage', tags: ruleTags, params: IdParamsSchema, body: RuleInputSchema, response: RuleSchema }),
  remove: defineRoute({ method: 'DELETE', path: '/alert-rules/:id', access: 'rules:manage', tags: ruleTags, params: IdParamsSchema, response: Type.Null(), status: 204 }),
  preview: defineRoute({ method: 'POST', path: '/alert-rules/preview', access: 'rules:manage', tags: ruleTags, body: RulePreviewRequestSchema, response: RulePreviewSchema }),
} as const;

/**
 * Prometheus Alertmanager's webhook receiver, authenticated by an API key. 200 all
 * accepted, 207 some rejected (listed), 400 none valid.
 */
export const alertmanagerRoutes = {
  receive: defineRoute({
    method: 'POST', path: '/integrations/alertmanager', access: 'alerts:write', tags, summary: INGEST_LIMIT_SUMMARY, body: AlertmanagerPayloadSchema, response: AlertmanagerResultSchema, otherStatuses: [207],
  }),
} as const;

import { Type, type Static } from 'typebox';
import { defineRoute } from './route.ts';

/**
 * Remediation runbooks: the file format (validated by the server when it loads a file, read
 * by the console to build the run form), plans, runs and their routes. See docs/runbooks.md.
 */

export const RUNBOOK_ID_PATTERN = '^[a-z0-9-]+$';

/** One declared parameter, JSON-schema-like. Required unless it has a default. */
export const ParamSpecSchema = Type.Object(
  {
    type: Type.Enum(['string', 'integer', 'number', 'boolean']),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    enum: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { minItems: 1 })),
    pattern: Type.Optional(Type.String({ maxLength: 1000 })),
    minLength: Type.Optional(Type.Integer({ minimum: 0 })),
    maxLength: Type.Optional(Type.Integer({ minimum: 0 })),
    minimum: Type.Optional(Type.Number()),
    maximum: Type.Optional(Type.Number()),
    default: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
    /**
     * A credential given at run time (a database password for a failover): shown as
     * `[redacted]` in every answer, plan, record and output, kept sealed at rest. A string
     * parameter named like a credential (`password`, `api_token`) is secret unless `false`.
     */
    secret: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ParamSpec = Static<typeof ParamSpecSchema>;

export const MatcherOpSchema = Type.Enum(['=', '!=', '=~', '!~']);

export const TriggerSchema = Type.Object(
  {
    /** Label equality: `{ alertname: ServiceDown }`. */
    match: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String())),
    /** Silence-like matchers for `=~`, `!=`, `!~`. */
    matchers: Type.Optional(Type.Array(Type.Object({ name: Type.String({ minLength: 1 }), op: MatcherOpSchema, value: Type.String() }, { additionalProperties: false }))),
    /** Parameter templates filled from the alert, e.g. `"{{labels.service}}"`. */
    params: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);
export type RunbookTrigger = Static<typeof TriggerSchema>;

const Duration = Type.String({ minLength: 1, maxLength: 32, description: 'A duration such as 30s, 2m, 1h' });

const StepBase = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  timeout: Type.Optional(Duration),
};

export const HttpCallSchema = Type.Object(
  {
    method: Type.Optional(Type.Enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'])),
    url: Type.String({ minLength: 1 }),
    /** Expected status code(s); default: any 2xx. */
    expect: Type.Optional(Type.Union([Type.Integer(), Type.Array(Type.Integer(), { minItems: 1 })])),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    body: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export const StepSchema = Type.Object(
  {
    ...StepBase,
    /** argv: the program and its arguments, never a shell string. */
    run: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    /** Extra environment variables for `run` (the environment is otherwise clean). */
    env: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String())),
    http: Type.Optional(HttpCallSchema),
    /** POSTs JSON to a fleet engine (Rundeck, AWX, StackStorm) that carries the change out. */
    webhook: Type.Optional(Type.Object({ url: Type.String({ minLength: 1 }), payload: Type.Optional(Type.Unknown()), headers: Type.Optional(Type.Record(Type.String(), Type.String())) }, { additionalProperties: false })),
    /** Acknowledges the incident's firing alerts. */
    acknowledge: Type.Optional(Type.Object({ comment: Type.Optional(Type.String()) }, { additionalProperties: false })),
    /** Creates a silence (default matchers: the triggering alert's labels). */
    silence: Type.Optional(Type.Object({ duration: Duration, comment: Type.Optional(Type.String()), match: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String())) }, { additionalProperties: false })),
    /** Adds a note to the incident's timeline. */
    note: Type.Optional(Type.Object({ text: Type.String({ minLength: 1 }) }, { additionalProperties: false })),
    /** Waits this long. */
    wait: Type.Optional(Duration),
  },
  { additionalProperties: false },
);
export type RunbookStep = Static<typeof StepSchema>;

export const STEP_KINDS = ['run', 'http', 'webhook', 'acknowledge', 'silence', 'note', 'wait'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const VerifySchema = Type.Object(
  {
    /** A selector on the server's metrics (source `metrics`), or PromQL on a Prometheus data source. */
    query: Type.String({ minLength: 1 }),
    /** `== 1`, `> 0.5`, `<= 100`, ... every matching series must hold it. */
    condition: Type.String({ pattern: '^\\s*(==|!=|>=|<=|>|<)\\s*-?[0-9.]+(e-?[0-9]+)?\\s*$' }),
    within: Duration,
    /** Where the query runs; `metrics` (default) is the server's own store. */
    source: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type RunbookVerify = Static<typeof VerifySchema>;

export const RUN_MODES = ['auto', 'approve', 'manual'] as const;

export const SafetySchema = Type.Object(
  {
    mode: Type.Optional(Type.Enum(RUN_MODES)),
    role: Type.Optional(Type.Enum(['viewer', 'operator', 'admin'])),
    approvers: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    cooldown: Type.Optional(Duration),
    maxRunsPerHour: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

/** One runbook file, as written. */
export const RunbookFileSchema = Type.Object(
  {
    id: Type.String({ pattern: RUNBOOK_ID_PATTERN, maxLength: 100 }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    params: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), ParamSpecSchema)),
    /** What the cooldown and concurrency are counted on, e.g. `"{{params.service}}"`; default: the parameter values. */
    target: Type.Optional(Type.String({ minLength: 1 })),
    triggers: Type.Optional(Type.Array(TriggerSchema)),
    steps: Type.Array(StepSchema, { minItems: 1 }),
    verify: Type.Optional(VerifySchema),
    rollback: Type.Optional(Type.Array(StepSchema)),
    safety: Type.Optional(SafetySchema),
  },
  { additionalProperties: false },
);
export type RunbookFile = Static<typeof RunbookFileSchema>;

/** Safety settings with their defaults filled in; durations in ms. */
export const ResolvedSafetySchema = Type.Object({
  mode: Type.Enum(RUN_MODES),
  role: Type.Enum(['viewer', 'operator', 'admin']),
  approvers: Type.Integer(),
  cooldownMs: Type.Integer(),
  maxRunsPerHour: Type.Integer(),
  concurrency: Type.Integer(),
});
export type ResolvedSafety = Static<typeof ResolvedSafetySchema>;

export const RunbookSummarySchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  file: Type.String(),
  params: Type.Record(Type.String(), ParamSpecSchema),
  safety: ResolvedSafetySchema,
  stepCount: Type.Integer(),
  hasVerify: Type.Boolean(),
  hasRollback: Type.Boolean(),
  triggerCount: Type.Integer(),
});
export type RunbookSummary = Static<typeof RunbookSummarySchema>;

export const InvalidRunbookSchema = Type.Object({ file: Type.String(), line: Type.Integer(), message: Type.String() });
export type InvalidRunbook = Static<typeof InvalidRunbookSchema>;

export const RunbookListSchema = Type.Object({ runbooks: Type.Array(RunbookSummarySchema), invalid: Type.Array(InvalidRunbookSchema) });
export type RunbookList = Static<typeof RunbookListSchema>;

export const RunbookDetailSchema = Type.Object({
  runbook: RunbookSummarySchema,
  definition: RunbookFileSchema,
  /** The file as written. */
  source: Type.String(),
});
export type RunbookDetail = Static<typeof RunbookDetailSchema>;

/** A step with every template filled: exactly what would be executed. */
export const ResolvedStepSchema = Type.Object({
  name: Type.String(),
  kind: Type.Enum(STEP_KINDS),
  timeoutMs: Type.Integer(),
  argv: Type.Optional(Type.Array(Type.String())),
  env: Type.Optional(Type.Record(Type.String(), Type.String())),
  method: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  expect: Type.Optional(Type.Array(Type.Integer())),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  body: Type.Optional(Type.Unknown()),
  text: Type.Optional(Type.String()),
  durationMs: Type.Optional(Type.Integer()),
  match: Type.Optional(Type.Record(Type.String(), Type.String())),
});
export type ResolvedStep = Static<typeof ResolvedStepSchema>;

export const ResolvedVerifySchema = Type.Object({
  source: Type.String(),
  query: Type.String(),
  op: Type.Enum(['==', '!=', '>=', '<=', '>', '<']),
  threshold: Type.Number(),
  withinMs: Type.Integer(),
});
export type ResolvedVerify = Static<typeof ResolvedVerifySchema>;

export const BLOCK_REASONS = ['cooldown', 'max_runs_per_hour', 'global_budget', 'breaker_open', 'concurrency', 'role', 'plan_changed'] as const;
export type BlockReason = (typeof BLOCK_REASONS)[number];

export const BreakerStateSchema = Type.Object({
  state: Type.Enum(['closed', 'open']),
  /** Failed or rolled-back runs within the window. */
  failures: Type.Integer(),
  threshold: Type.Integer(),
  windowMs: Type.Integer(),
  /** When it closes again on its own (the oldest counted failure leaves the window); null when closed. */
  closesAt: Type.Union([Type.Integer(), Type.Null()]),
});
export type BreakerState = Static<typeof BreakerStateSchema>;

export const SafetyStateSchema = Type.Object({
  cooldownLeftMs: Type.Integer(),
  runsLeftThisHour: Type.Integer(),
  globalRunsLeftThisHour: Type.Integer(),
  activeRuns: Type.Integer(),
  breaker: BreakerStateSchema,
  /** The first limit that would refuse a run now; null when a run may start. */
  blockedBy: Type.Union([Type.Enum(BLOCK_REASONS), Type.Null()]),
});
export type SafetyState = Static<typeof SafetyStateSchema>;

export const PlanSchema = Type.Object({
  runbookId: Type.String(),
  title: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  incidentId: Type.Union([Type.Integer(), Type.Null()]),
  targets: Type.Array(Type.String()),
  steps: Type.Array(ResolvedStepSchema),
  rollback: Type.Array(ResolvedStepSchema),
  verify: Type.Union([ResolvedVerifySchema, Type.Null()]),
  safety: ResolvedSafetySchema,
  state: SafetyStateSchema,
  /** sha256 of the resolved plan (steps, rollback, verify, targets, params, incident); approvals bind to it. */
  hash: Type.String(),
  /** The secret parameters (docs/runbooks.md, "Secret parameters"): their values read `[redacted]` wherever the plan is shown. */
  secretParams: Type.Optional(Type.Array(Type.String())),
});
export type Plan = Static<typeof PlanSchema>;

export const RUN_STATES = ['pending_approval', 'queued', 'running', 'succeeded', 'failed', 'rolled_back', 'rejected', 'blocked', 'interrupted', 'expired', 'cancelled'] as const;
export type RunState = (typeof RUN_STATES)[number];
export const ACTIVE_RUN_STATES: readonly RunState[] = ['queued', 'running'];
export const FINISHED_RUN_STATES: readonly RunState[] = ['succeeded', 'failed', 'rolled_back', 'rejected', 'blocked', 'interrupted', 'expired', 'cancelled'];
/** The states a run can be cancelled in (POST /runbook-runs/:id/cancel): every one not finished. */
export const CANCELLABLE_RUN_STATES: readonly RunState[] = ['pending_approval', 'queued', 'running'];

export const RunStepSchema = Type.Object({
  seq: Type.Integer(),
  phase: Type.Enum(['step', 'verify', 'rollback']),
  name: Type.String(),
  kind: Type.String(),
  state: Type.Enum(['running', 'succeeded', 'failed', 'interrupted']),
  exitCode: Type.Union([Type.Integer(), Type.Null()]),
  startedAt: Type.Integer(),
  finishedAt: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  output: Type.String(),
  truncated: Type.Boolean(),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type RunStep = Static<typeof RunStepSchema>;

export const ApprovalSchema = Type.Object({
  user: Type.String(),
  decision: Type.Enum(['approve', 'reject']),
  comment: Type.Union([Type.String(), Type.Null()]),
  planHash: Type.String(),
  ts: Type.Integer(),
  /** The plan changed after this approval: it no longer counts. */
  void: Type.Boolean(),
});
export type Approval = Static<typeof ApprovalSchema>;

export const RunSchema = Type.Object({
  id: Type.Integer(),
  runbookId: Type.String(),
  title: Type.String(),
  target: Type.String(),
  state: Type.Enum(RUN_STATES),
  reason: Type.Union([Type.String(), Type.Null()]),
  params: Type.Record(Type.String(), Type.Unknown()),
  planHash: Type.String(),
  plan: PlanSchema,
  incidentId: Type.Union([Type.Integer(), Type.Null()]),
  alertId: Type.Union([Type.Integer(), Type.Null()]),
  dryRun: Type.Boolean(),
  trigger: Type.Enum(['manual', 'alert']),
  approvalsRequired: Type.Integer(),
  approvals: Type.Array(ApprovalSchema),
  requestedBy: Type.String(),
  requestedByKind: Type.Enum(['user', 'apiKey', 'system']),
  createdAt: Type.Integer(),
  startedAt: Type.Union([Type.Integer(), Type.Null()]),
  finishedAt: Type.Union([Type.Integer(), Type.Null()]),
  updatedAt: Type.Integer(),
  /** Who asked to cancel the run while it ran (it ends `cancelled` once its server has stopped it), else null. */
  cancelRequestedBy: Type.Union([Type.String(), Type.Null()]),
  steps: Type.Array(RunStepSchema),
});
export type Run = Static<typeof RunSchema>;

export const ParamsValueSchema = Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 10_000 }), Type.Number(), Type.Boolean()]));

export const PlanRequestSchema = Type.Object(
  { params: Type.Optional(ParamsValueSchema), incidentId: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
export type PlanRequest = Static<typeof PlanRequestSchema>;

export const RunRequestSchema = Type.Object(
  {
    params: Type.Optional(ParamsValueSchema),
    /** The plan the requester saw; refused (409) when the plan now differs. */
    planHash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
    incidentId: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Resolve and check everything, execute nothing. */
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RunRequest = Static<typeof RunRequestSchema>;

export const DecisionRequestSchema = Type.Object({ comment: Type.Optional(Type.String({ maxLength: 4096 })) }, { additionalProperties: false });

export const CancelRequestSchema = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 4096 })) }, { additionalProperties: false });

export const RunListQuerySchema = Type.Object(
  {
    runbook: Type.Optional(Type.String({ pattern: RUNBOOK_ID_PATTERN, maxLength: 100 })),
    /** One state or several, comma-separated. */
    state: Type.Optional(Type.String({ pattern: `^(${RUN_STATES.join('|')})(,(${RUN_STATES.join('|')}))*$` })),
    incidentId: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export type RunListQuery = Static<typeof RunListQuerySchema>;

export const RunListSchema = Type.Object({ runs: Type.Array(RunSchema) });

export const SuggestionSchema = Type.Object({
  runbook: RunbookSummarySchema,
  alertId: Type.Integer(),
  alertName: Type.String(),
  /** Parameters filled from the alert's labels by the trigger. */
  params: Type.Record(Type.String(), Type.String()),
});
export type Suggestion = Static<typeof SuggestionSchema>;

/** Live output of a running step, on the stream as `runbook_output`. */
export interface RunOutputEventData {
  runId: number;
  seq: number;
  step: string;
  stream: 'stdout' | 'stderr' | 'info';
  text: string;
}

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const RunbookIdParams = Type.Object({ id: Type.String({ pattern: RUNBOOK_ID_PATTERN, maxLength: 100 }) });
const tags = ['runbooks'] as const;

export const runbooksRoutes = {
  list: defineRoute({ method: 'GET', path: '/runbooks', access: 'runbooks:read', tags, response: RunbookListSchema }),
  get: defineRoute({ method: 'GET', path: '/runbooks/:id', access: 'runbooks:read', tags, params: RunbookIdParams, response: RunbookDetailSchema }),
  plan: defineRoute({ method: 'POST', path: '/runbooks/:id/plan', access: 'runbooks:read', tags, params: RunbookIdParams, body: PlanRequestSchema, response: PlanSchema }),
  run: defineRoute({ method: 'POST', path: '/runbooks/:id/runs', access: 'runbooks:run', tags, status: 201, params: RunbookIdParams, body: RunRequestSchema, response: RunSchema }),
  runs: defineRoute({ method: 'GET', path: '/runbook-runs', access: 'runbooks:read', tags, query: RunListQuerySchema, response: RunListSchema }),
  getRun: defineRoute({ method: 'GET', path: '/runbook-runs/:id', access: 'runbooks:read', tags, params: IdParams, response: RunSchema }),
  approve: defineRoute({ method: 'POST', path: '/runbook-runs/:id/approve', access: 'runbooks:run', tags, params: IdParams, body: DecisionRequestSchema, response: RunSchema }),
  reject: defineRoute({ method: 'POST', path: '/runbook-runs/:id/reject', access: 'runbooks:run', tags, params: IdParams, body: DecisionRequestSchema, response: RunSchema }),
  cancel: defineRoute({ method: 'POST', path: '/runbook-runs/:id/cancel', access: 'runbooks:run', tags, params: IdParams, body: CancelRequestSchema, response: RunSchema }),
  suggestions: defineRoute({
    method: 'GET', path: '/runbook-suggestions', access: 'runbooks:read', tags, query: Type.Object({ incidentId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }), response: Type.Object({ suggestions: Type.Array(SuggestionSchema) }),
  }),
} as const;

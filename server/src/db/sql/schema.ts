import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../../../../shared/auth/permissions.ts';

/**
 * The tables reachable through the query builder (Kysely), one interface per table, the
 * same on SQLite and PostgreSQL. Only the tables of features already moved to the shared
 * layer are here; the others are still read and written by synchronous better-sqlite3 code
 * (see docs/architecture.md, "Storage: two layers during the move").
 *
 * Conventions that make one query code fit both databases: times are integer milliseconds
 * (BIGINT on PostgreSQL, read back as numbers), flags are 0/1 integers, JSON is TEXT.
 */
export interface SqlSchema {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  login_counters: LoginCountersTable;
  login_known_addresses: LoginKnownAddressesTable;
  rate_limit_counters: RateLimitCountersTable;
  signing_keys: SigningKeysTable;
  stream_events: StreamEventsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  audit_prune_permit: AuditPrunePermitTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  runbook_runs: RunbookRunsTable;
  runbook_run_steps: RunbookRunStepsTable;
  runbook_approvals: RunbookApprovalsTable;
  chat_user_mappings: ChatUserMappingsTable;
  chat_confirmations: ChatConfirmationsTable;
  slack_request_signatures: SlackRequestSignaturesTable;
  chat_history: ChatHistoryTable;
  datasources: DatasourcesTable;
  datasource_secret_key: DatasourceSecretKeyTable;
  anomaly_watches: AnomalyWatchesTable;
  anomaly_watch_scores: AnomalyWatchScoresTable;
  anomaly_models: AnomalyModelsTable;
  anomaly_events: AnomalyEventsTable;
  anomaly_target_progress: AnomalyTargetProgressTable;
  anomaly_replica_backlog: AnomalyReplicaBacklogTable;
  alert_rules: AlertRulesTable;
  alert_rule_series: AlertRuleSeriesTable;
  incident_grouping_settings: IncidentGroupingSettingsTable;
  alerts: AlertsTable;
  alert_history: AlertHistoryTable;
  silences: SilencesTable;
  incidents: IncidentsTable;
  incident_timeline: IncidentTimelineTable;
  note_revisions: NoteRevisionsTable;
  incident_source_queries: IncidentSourceQueriesTable;
  schema_migrations: SchemaMigrationsTable;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: Role;
  disabled: number;
  must_change_password: number;
  created_at: number;
  updated_at: number;
}

export interface RefreshTokensTable {
  id: Generated<number>;
  token_hash: string;
  family: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

/** Failed-login counters per `user:<name>` and `ip:<address>` (lockout). */
export interface LoginCountersTable {
  key: string;
  failures: number;
  window_start: number;
  locked_until: number;
}

/** Addresses a user has signed in from (key `user:<name>@<address>`), for the lockout. */
export interface LoginKnownAddressesTable {
  key: string;
  last_success: number;
}

/** Fixed-window request counters of the rate limiter, per route and client address. */
export interface RateLimitCountersTable {
  key: string;
  hits: number;
  window_start: number;
}

/** JWT signing keys (HS256 secrets, base64url); the newest signs, all verify. */
export interface SigningKeysTable {
  kid: string;
  secret: string;
  created_at: number;
}

export interface StreamEventsTable {
  id: Generated<number>;
  type: string;
  data: string;
  ts: number;
}

/** API keys, stored hashed (SHA-256 of the secret); `scopes` is a JSON array or null. */
export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  prefix: string;
  secret_hash: string;
  owner_id: number;
  role: Role;
  scopes: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** The append-only audit log (both databases refuse updates and deletes); `details` is JSON or null. */
export interface AuditLogTable {
  id: Generated<number>;
  ts: number;
  actor: string | null;
  actor_kind: 'user' | 'apiKey' | 'anonymous' | 'system';
  action: string;
  target: string | null;
  outcome: 'success' | 'failure' | 'denied';
  ip: string | null;
  details: string | null;
}

/** Written and removed inside one pruning transaction: the audit log lets go of entries older than `before_ts` only then (migration 075). */
export interface AuditPrunePermitTable {
  before_ts: number;
}

/** Outbound webhooks (alert notifications). */
export interface WebhooksTable {
  id: Generated<number>;
  name: string;
  url: string;
  format: 'json' | 'slack';
  min_severity: 'info' | 'warning' | 'critical';
  enabled: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** The durable delivery queue and log; `claimed_until` is the lease of the dispatcher sending it. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  alert_id: number;
  event: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
  claimed_until: number | null;
}

/** Runbook runs; `params`, `labels` and `plan` are JSON; `claimed_until` is the lease of the server carrying it out. */
export interface RunbookRunsTable {
  id: Generated<number>;
  runbook_id: string;
  title: string;
  target: string;
  state: string;
  reason: string | null;
  params: string;
  labels: string;
  plan: string;
  plan_hash: string;
  incident_id: number | null;
  alert_id: number | null;
  dry_run: number;
  trigger: string;
  approvals_required: number;
  requested_by: string;
  requested_by_kind: string;
  requested_by_user_id: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  claimed_until: number | null;
  /** The replica carrying the run out (its replica id) and how many times it renewed the lease (migration 073). */
  claimed_by: string | null;
  lease_beat: Generated<number>;
  /** A cancel asked for while the run ran (migration 071): who, when and why; the executing server stops it. */
  cancel_requested_at: number | null;
  cancel_requested_by: string | null;
  cancel_reason: string | null;
}

export interface RunbookRunStepsTable {
  id: Generated<number>;
  run_id: number;
  seq: number;
  phase: string;
  name: string;
  kind: string;
  state: string;
  exit_code: number | null;
  started_at: number;
  finished_at: number | null;
  output: Generated<string>;
  truncated: Generated<number>;
  error: string | null;
}

export interface RunbookApprovalsTable {
  id: Generated<number>;
  run_id: number;
  user_id: number;
  username: string;
  decision: string;
  comment: string | null;
  plan_hash: string;
  ts: number;
  void: Generated<number>;
}

/** A Slack or Mattermost user mapped by an admin to one of our users (ChatOps). */
export interface ChatUserMappingsTable {
  id: Generated<number>;
  platform: 'slack' | 'mattermost';
  team_id: string;
  chat_user_id: string;
  user_id: number;
  created_by: string;
  created_at: number;
}

/** A state-changing chat command waiting for its confirmation; only the token's SHA-256 is kept. */
export interface ChatConfirmationsTable {
  token_hash: string;
  user_key: string;
  text: string;
  /** The parsed command, JSON. */
  command: string;
  channel: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** A Slack request signature already received (its SHA-256), kept until it would be stale anyway. */
export interface SlackRequestSignaturesTable {
  signature_hash: string;
  expires_at: number;
}

export interface ChatHistoryTable {
  id: Generated<number>;
  ts: number;
  user_key: string;
  actor: string;
  channel: 'console' | 'slack';
  text: string;
  intent: string;
  answer_kind: string;
  summary: string;
}

export interface DatasourcesTable {
  id: Generated<number>;
  name: string;
  type: 'prometheus';
  url: string;
  auth_type: 'basic' | 'bearer' | null;
  auth_username: string | null;
  /** iv || tag || ciphertext (BLOB on SQLite, BYTEA on PostgreSQL). */
  secret: Buffer | null;
  tls_skip_verify: number;
  timeout_seconds: number;
  scrape_interval_seconds: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** The data source secrets' shared key when no environment key is given (read on PostgreSQL only). */
export interface DatasourceSecretKeyTable {
  id: number;
  key: string;
  created_at: number;
}

export interface AnomalyWatchesTable {
  id: Generated<number>;
  name: string;
  datasource_id: number;
  query: string;
  step_seconds: number;
  created_by: string;
  /** The creating user (an API key's owner), migration 070; null for watches created before. */
  created_by_user_id: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  last_ts: number | null;
  last_error: string | null;
  /** The replica scoring the watch (migration 064), as its last pull wrote it. */
  scored_by: string | null;
  state: string | null;
  anomalies: ColumnType<number, number | undefined, number>;
  series_json: string | null;
}

export interface AnomalyWatchScoresTable {
  watch_id: number;
  series_key: string;
  ts: number;
  value: number;
  score: number;
  anomaly: number;
}

/**
 * The model registry (server/src/anomaly/registry.ts). The JSON columns hold deflated JSON
 * (packed-text.ts); SQLite rows written before that hold JSON text, which reads as well.
 */
export interface AnomalyModelsTable {
  id: Generated<number>;
  target: string;
  version: number;
  state: 'candidate' | 'active' | 'retired' | 'failed';
  created_at: number;
  created_by: string;
  trained_from: number;
  trained_to: number;
  train_rows: number;
  params: string | Uint8Array;
  score_distribution: string | Uint8Array;
  evaluation: string | Uint8Array;
  model: Uint8Array;
  bytes: number;
  activated_at: number | null;
  retired_at: number | null;
  pruned_at: number | null;
  shadow_samples: ColumnType<number, number | undefined, number>;
  shadow_agreements: ColumnType<number, number | undefined, number>;
  shadow_alarms: ColumnType<number, number | undefined, number>;
  shadow_active_alarms: ColumnType<number, number | undefined, number>;
  shadow_abs_diff_sum: ColumnType<number, number | undefined, number>;
}

export interface AnomalyEventsTable {
  id: Generated<number>;
  target: string;
  ts: number;
  model_id: number;
  score: number;
  threshold: number;
  summary: string;
  /** Deflated JSON of the engine's Explanation (JSON text in old SQLite rows). */
  explanation: string | Uint8Array;
}

/** PostgreSQL only (migration 022): each anomaly target's progress, as its scoring replica wrote it. */
export interface AnomalyTargetProgressTable {
  target: string;
  scored_by: string;
  progress: string;
  updated_at: number;
}

/** PostgreSQL only (migration 022): each replica's anomaly scoring backlog, written every second. */
export interface AnomalyReplicaBacklogTable {
  replica: string;
  waiting: number;
  updated_at: number;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

/** Threshold rules (the alerts feature's configuration); JSON columns as TEXT. */
export interface AlertRulesTable {
  id: Generated<number>;
  name: string;
  selector: string;
  condition: string;
  window_seconds: number;
  for_seconds: number;
  severity: string;
  labels: string;
  annotations: string;
  enabled: number;
  created_by: string;
  created_at: number;
  updated_at: number;
  last_evaluated_at: number | null;
  last_error: string | null;
  datasource_id: number | null;
  expr: string | null;
}

/** Per rule, the series pending or firing (the evaluator's state, written by the leader). */
export interface AlertRuleSeriesTable {
  rule_id: number;
  series_key: string;
  labels: string;
  state: string;
  since: number;
  value: number;
}

/** The one row (id 1) of incident grouping an admin saved; a NULL part follows the default. */
/** Alerts by fingerprint (unique); labels, annotations and silenced_by are JSON text. */
export interface AlertsTable {
  id: Generated<number>;
  fingerprint: string;
  source: string;
  state: string;
  severity: string;
  labels: string;
  annotations: string;
  search_text: string;
  starts_at: number;
  ends_at: number | null;
  expires_at: number | null;
  last_seen_at: number;
  updated_at: number;
  occurrences: number;
  silenced_by: string;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  ack_comment: string | null;
  incident_id: number | null;
  generator_url: string | null;
}

export interface AlertHistoryTable {
  id: Generated<number>;
  alert_id: number;
  ts: number;
  from_state: string | null;
  to_state: string;
  actor: string;
  actor_kind: string;
  comment: string | null;
}

export interface SilencesTable {
  id: Generated<number>;
  matchers: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  created_at: number;
  expired_by: string | null;
}

export interface IncidentsTable {
  id: Generated<number>;
  title: string;
  severity: string;
  status: string;
  commander: string | null;
  group_key: string;
  opened_at: number;
  last_activity_at: number;
  mitigated_at: number | null;
  resolved_at: number | null;
  merged_into: number | null;
  updated_at: number;
  /** Kept by triggers on alerts (migration 066): never written by the application. */
  alert_count: Generated<number>;
  firing_count: Generated<number>;
  acknowledged_count: Generated<number>;
}

export interface IncidentTimelineTable {
  id: Generated<number>;
  incident_id: number;
  ts: number;
  kind: string;
  actor: string;
  actor_kind: string;
  alert_id: number | null;
  text: string;
  data: Generated<string>;
  edited_at: number | null;
  deleted_at: number | null;
  deleted_by: string | null;
}

/** Append-only (triggers refuse UPDATE and DELETE on both databases). */
export interface NoteRevisionsTable {
  id: Generated<number>;
  entry_id: number;
  text: string;
  replaced_at: number;
  replaced_by: string;
  change: 'edit' | 'delete';
}

export interface IncidentSourceQueriesTable {
  id: Generated<number>;
  incident_id: number;
  datasource_id: number;
  query: string;
  title: string | null;
  created_by: string;
  created_at: number;
}

export interface IncidentGroupingSettingsTable {
  id: number;
  group_by: string | null;
  window_minutes: number | null;
  auto_resolve: number | null;
  updated_by: string;
  updated_at: number;
}

import crypto from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { parsePostgresUrl } from './database-url.ts';
import { migratePostgres } from './sql/migrate.ts';
import { openSqlDatabase } from './sql/open.ts';
import { copyMetricDerived } from './copy-metrics-derived.ts';
import { packText, unpackText } from './packed-text.ts';

/**
 * The tables on the shared query layer so far, copied by `smartcloudops migrate`, each with
 * its primary key (rows are compared in that order) and whether its key is an identity
 * column whose sequence must continue after the copied ids. `seeded`: rows a migration
 * inserts (the default host rules) that the copy replaces with the source's own (edited or
 * deleted there), so only rows outside it make the target count as holding data.
 * `packed`: columns holding deflated text (packed-text.ts), or the text itself in rows
 * written before that; they are copied deflated and compared as text.
 */
export const CONVERTED_TABLES = [
  { table: 'users', key: 'id', identity: true },
  { table: 'refresh_tokens', key: 'id', identity: true },
  { table: 'signing_keys', key: 'kid', identity: false },
  { table: 'login_counters', key: 'key', identity: false },
  { table: 'login_known_addresses', key: 'key', identity: false },
  { table: 'rate_limit_counters', key: 'key', identity: false },
  { table: 'stream_events', key: 'id', identity: true },
  { table: 'api_keys', key: 'id', identity: true },
  { table: 'audit_log', key: 'id', identity: true },
  { table: 'webhooks', key: 'id', identity: true },
  { table: 'webhook_deliveries', key: 'id', identity: true },
  { table: 'runbook_runs', key: 'id', identity: true },
  { table: 'runbook_run_steps', key: 'id', identity: true },
  { table: 'runbook_approvals', key: 'id', identity: true },
  { table: 'chat_user_mappings', key: 'id', identity: true },
  { table: 'chat_confirmations', key: 'token_hash', identity: false },
  { table: 'slack_request_signatures', key: 'signature_hash', identity: false },
  { table: 'chat_history', key: 'id', identity: true },
  { table: 'datasources', key: 'id', identity: true },
  { table: 'anomaly_watches', key: 'id', identity: true },
  // Models before the events that name them. Their JSON documents may still be text in an
  // old SQLite file: PostgreSQL keeps them deflated, and the checksum compares the text.
  { table: 'anomaly_models', key: 'id', identity: true, packed: ['params', 'score_distribution', 'evaluation'] },
  { table: 'anomaly_events', key: 'id', identity: true, packed: ['explanation'] },
  // Keyed by (watch_id, series_key, ts): the checksum orders rows with equal watch_id by their whole content.
  { table: 'anomaly_watch_scores', key: 'watch_id', identity: false },
  { table: 'alert_rules', key: 'id', identity: true, seeded: "created_by = 'system'" },
  { table: 'alert_rule_series', key: 'rule_id', identity: false },
  { table: 'incident_grouping_settings', key: 'id', identity: false },
  // Incidents before the alerts that reference them (merged_into, a self-reference, is checked at commit).
  { table: 'incidents', key: 'id', identity: true },
  { table: 'alerts', key: 'id', identity: true },
  { table: 'alert_history', key: 'id', identity: true },
  { table: 'silences', key: 'id', identity: true },
  { table: 'incident_timeline', key: 'id', identity: true },
  { table: 'note_revisions', key: 'id', identity: true },
  { table: 'incident_source_queries', key: 'id', identity: true },
  // The embedded metrics store: chunks copy byte for byte (one format on both databases).
  { table: 'metric_series', key: 'id', identity: true },
  { table: 'metric_export_state', key: 'id', identity: false, seeded: 'id = 1' },
  { table: 'metric_chunks', key: 'id', identity: true },
  { table: 'metric_head', key: 'series_id', identity: false },
  // Minutes only: PostgreSQL stores an hour only once its minutes are gone (copied below, `copyHours`).
  { table: 'metric_rollup_chunks', key: 'series_id', identity: false, sourceWhere: 'width = 60000' },
  { table: 'metric_score_targets', key: 'id', identity: true },
  { table: 'metric_score_chunks', key: 'id', identity: true },
  { table: 'metric_score_head', key: 'series_id', identity: false },
] as const;

/** Each incident's alert counts from its alerts (what migrations-postgres/066 backfills). */
const RECOUNT_INCIDENT_ALERTS = `UPDATE incidents AS i SET
    alert_count = (SELECT count(*) FROM alerts WHERE incident_id = i.id),
    firing_count = (SELECT count(*) FROM alerts WHERE incident_id = i.id AND state = 'firing'),
    acknowledged_count = (SELECT count(*) FROM alerts WHERE incident_id = i.id AND state = 'acknowledged')`;

export interface TableReport {
  table: string;
  rows: number;
  /** SHA-256 of the rows in key order, each as a JSON array of its column values. */
  checksum: string;
}

export class MigrateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrateError';
  }
}

type Row = Record<string, unknown>;

/** Rows in a canonical form and order, so that SQLite and PostgreSQL give the same checksum for the same data. */
function checksum(rows: Row[], columns: string[], key: string, packed: readonly string[] = []): string {
  // Ties on the key (a composite key such as alert_rule_series') are ordered by the whole row.
  const lines = rows.map((row) => ({ key: row[key], line: JSON.stringify(columns.map((column) => (packed.includes(column) ? unpackText(row[column] as string | Uint8Array) : normalise(row[column])))) }));
  lines.sort((x, y) => compare(x.key, y.key) || (x.line < y.line ? -1 : x.line > y.line ? 1 : 0));
  const hash = crypto.createHash('sha256');
  for (const { line } of lines) hash.update(`${line}\n`);
  return hash.digest('hex');
}

const normalise = (value: unknown) => (typeof value === 'bigint' ? Number(value) : value === undefined ? null : value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex') : value);
const compare = (x: unknown, y: unknown) => (typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0);

/**
 * Copies the converted tables of a SQLite database (an existing installation's
 * `smartcloudops.db`) into a PostgreSQL database: migrates it first (under the advisory
 * lock), refuses a target that already holds data, copies in one transaction, and commits
 * only when every table's row count and checksum match the source's. Identity sequences
 * continue after the copied ids.
 */
export async function copySqliteToPostgres(sqliteFile: string, postgresUrl: string): Promise<TableReport[]> {
  if (!fs.existsSync(sqliteFile)) throw new MigrateError(`No SQLite database at ${sqliteFile}.`);
  const source = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  const settings = parsePostgresUrl(postgresUrl);
  // The query layer's SQLite side is not used here; the source is opened read-only above.
  const target = openSqlDatabase(settings, source);
  try {
    const sourceTables = new Set((source.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name));
    // Tables of later versions (008's counters and keys) may be absent from an older file: nothing to copy then.
    const missing = ['users', 'refresh_tokens'].filter((table) => !sourceTables.has(table));
    if (missing.length > 0) throw new MigrateError(`${sqliteFile} is not a SmartCloudOps database (no ${missing.join(', ')} table).`);
    // Samples still in the row-per-sample tables of an old version are converted by the server at start-up, not here.
    if (sourceTables.has('metric_samples') && source.prepare('SELECT 1 FROM metric_samples LIMIT 1').get() !== undefined) {
      throw new MigrateError(`${sqliteFile} still holds metrics in the old row-per-sample form: start this version's server on it once (it converts them), then migrate.`);
    }
    await migratePostgres(target);
    const client = await target.pool!.connect();
    try {
      await client.query('BEGIN');
      const reports: TableReport[] = [];
      let verifyIncidents: (() => Promise<void>) | undefined;
      for (const entry of CONVERTED_TABLES) {
        const { table, key, identity } = entry;
        const seeded = 'seeded' in entry ? entry.seeded : undefined;
        const packed: readonly string[] = 'packed' in entry ? entry.packed : [];
        const present = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}${seeded ? ` WHERE NOT (${seeded})` : ''}`);
        if (Number(present.rows[0]!.n) > 0) throw new MigrateError(`The PostgreSQL table ${table} already holds rows; migrate into an empty database.`);
        if (seeded) await client.query(`DELETE FROM ${table}`);
        const columns = (await client.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position', [table])).rows.map((row) => row.column_name);
        const sourceWhere = 'sourceWhere' in entry ? ` WHERE ${entry.sourceWhere}` : '';
        const rows = sourceTables.has(table) ? (source.prepare(`SELECT ${columns.join(', ')} FROM ${table}${sourceWhere}`).all() as Row[]) : [];
        for (let start = 0; start < rows.length; start += 500) {
          const batch = rows.slice(start, start + 500);
          const values: unknown[] = [];
          // Blobs go as they are (bytea); text still unpacked is deflated; every other value as read.
          const valueOf = (row: Row, column: string) => (packed.includes(column) && typeof row[column] === 'string' ? packText(row[column]) : row[column] instanceof Uint8Array ? row[column] : normalise(row[column]));
          const tuples = batch.map((row) => `(${columns.map((column) => `$${values.push(valueOf(row, column))}`).join(', ')})`);
          await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
        }
        if (identity) await client.query(`SELECT setval(pg_get_serial_sequence('${table}', '${key}'), GREATEST((SELECT max(${key}) FROM ${table}), 1), (SELECT count(*) > 0 FROM ${table}))`);
        const report = { table, rows: rows.length, checksum: checksum(rows, columns, key, packed) };
        const verify = async () => {
          const copied = (await client.query<Row>(`SELECT ${columns.join(', ')} FROM ${table}`)).rows;
          const check = { rows: copied.length, checksum: checksum(copied, columns, key, packed) };
          if (check.rows !== report.rows || check.checksum !== report.checksum) {
            throw new MigrateError(`Verification failed for ${table}: SQLite has ${report.rows} rows (${report.checksum.slice(0, 12)}), PostgreSQL ${check.rows} (${check.checksum.slice(0, 12)}); nothing was committed.`);
          }
        };
        await verify();
        if (table === 'incidents') verifyIncidents = verify;
        reports.push(report);
      }
      // The incidents came with their alert counts, and migration 066's triggers counted the
      // alerts copied after them once more: the counts are set from the alerts, as 066 sets
      // them, and must then match the source's again.
      await client.query(RECOUNT_INCIDENT_ALERTS);
      await verifyIncidents?.();
      if (sourceTables.has('metric_chunks')) reports.push(...(await copyMetricDerived(source, client)));
      await client.query('COMMIT');
      return reports;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  } finally {
    await target.close();
    source.close();
  }
}


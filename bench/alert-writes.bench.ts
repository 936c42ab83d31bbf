/**
 * `npm run bench:alert-writes`: what SQLite itself spends on a new alert's rows (its
 * `alerts` row with the indexes and the incident-count trigger, its history row, the
 * commit), and what a change of schema or statement shape would save, before anyone builds
 * it into the ingest path. Each variant is an A/B in one process: two fresh databases with
 * the server's migrations, the base as migrated and the variant changed, taking the same
 * batches of 100 new alerts (8 incidents, the `bench:peer-alerts` labels) in turns, each
 * batch its own transaction; the figure is this thread's CPU per alert, so the other
 * helpers' load moves both sides alike. Variants (BENCH_VARIANTS, comma-separated):
 * - `multi-row`: one INSERT … VALUES (…),(…) of 100 rows for the alerts and one for the
 *   history, instead of a prepared single-row INSERT run 100 times;
 * - `no-count-trigger`: without `alerts_count_insert` (migration 066);
 * - `no-state-index`: without `alerts_state (state, updated_at)`;
 * - `ordered-fingerprints`: fingerprints in insertion order, so the unique index takes
 *   its entries at its end (what the random leaves of a hash cost);
 * - `integer-fingerprint`: the unique index keyed by the hash's 64 bits as an INTEGER
 *   (8 bytes) instead of its 16 hex characters (the table rebuilt that way).
 * Env: BENCH_BATCHES (per side, default 600). Last line: one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database as Db, Statement } from 'better-sqlite3';
import { openDatabase } from '../server/src/db/database.ts';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 600);
const BATCH = 100;
const VARIANTS = (process.env.BENCH_VARIANTS ?? 'multi-row,no-count-trigger,no-state-index,ordered-fingerprints').split(',');
const COLUMNS = ['id', 'fingerprint', 'source', 'state', 'severity', 'labels', 'annotations', 'search_text', 'starts_at', 'ends_at', 'expires_at', 'last_seen_at', 'updated_at', 'occurrences', 'silenced_by', 'acknowledged_by', 'acknowledged_at', 'ack_comment', 'incident_id', 'generator_url'];
const HISTORY = ['alert_id', 'ts', 'from_state', 'to_state', 'actor', 'actor_kind', 'comment'];
const now = Date.now();

const placeholders = (n: number) => `(${Array(n).fill('?').join(', ')})`;
const insertSql = (table: string, columns: string[], rows: number) => `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows).fill(placeholders(columns.length)).join(', ')}`;

interface Side {
  dir: string;
  db: Db;
  alert: Statement;
  history: Statement;
  multiRow: boolean;
  ordered: boolean;
  integer: boolean;
  nextId: number;
}

function side(variant: string | null): Side {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-alert-writes-'));
  const db = openDatabase(path.join(dir, 'smartcloudops.db'));
  // The server checkpoints on a thread of its own (wal-checkpoint.ts): here, every 10 batches.
  db.pragma('wal_autocheckpoint = 0');
  const incident = db.prepare("INSERT INTO incidents (id, title, severity, status, group_key, opened_at, last_activity_at, updated_at) VALUES (?, 'bench', 'warning', 'open', ?, ?, ?, ?)");
  for (let i = 1; i <= 8; i++) incident.run(i, `g${i}`, now, now, now);
  if (variant === 'no-count-trigger') db.exec('DROP TRIGGER alerts_count_insert');
  if (variant === 'no-state-index') db.exec('DROP INDEX alerts_state');
  if (variant === 'integer-fingerprint') integerFingerprints(db);
  const multiRow = variant === 'multi-row';
  return { dir, db, alert: db.prepare(insertSql('alerts', COLUMNS, multiRow ? BATCH : 1)), history: db.prepare(insertSql('alert_history', HISTORY, multiRow ? BATCH : 1)), multiRow, ordered: variant === 'ordered-fingerprints', integer: variant === 'integer-fingerprint', nextId: 1 };
}

/** The empty `alerts` table made again with the fingerprint's unique key an INTEGER, its indexes and triggers as they were. */
function integerFingerprints(db: Db): void {
  const objects = db.prepare("SELECT type, sql FROM sqlite_master WHERE tbl_name = 'alerts' AND sql IS NOT NULL AND type != 'table'").all() as Array<{ type: string; sql: string }>;
  const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'alerts'").pluck().get() as string;
  db.pragma('foreign_keys = OFF');
  db.exec('DROP TABLE alerts');
  db.exec(table.replace('fingerprint TEXT NOT NULL UNIQUE', 'fingerprint INTEGER NOT NULL UNIQUE'));
  for (const { sql } of objects) db.exec(sql);
  db.pragma('foreign_keys = ON');
}

/** The rows of one batch of new alerts, as `AlertStore` writes them. */
function rowsOf(s: Side, batch: number): unknown[][] {
  return Array.from({ length: BATCH }, (_, i) => {
    const id = s.nextId++;
    const labels = { alertname: `BenchAlert${i % 8}`, instance: `i-${id}`, round: String(batch), severity: 'warning' };
    const random = BigInt.asIntN(64, (BigInt(Math.floor(Math.random() * 2 ** 32)) << 32n) | BigInt(Math.floor(Math.random() * 2 ** 32)));
    const fingerprint = s.ordered ? id.toString(16).padStart(16, '0') : s.integer ? random : BigInt.asUintN(64, random).toString(16).padStart(16, '0');
    const search = `alertname=benchalert${i % 8}\ninstance=i-${id}\nround=${batch}\nseverity=warning\nsummary=bench`;
    return [id, fingerprint, 'alertmanager', 'firing', 'warning', JSON.stringify(labels), '{"summary":"bench"}', search, now, null, null, now, now, 1, '[]', null, null, null, (i % 8) + 1, null];
  });
}

function writeBatch(s: Side, rows: unknown[][]): void {
  s.db.exec('BEGIN');
  const history = rows.map((row) => [row[0], now, null, 'firing', 'bench', 'apiKey', null]);
  if (s.multiRow) {
    s.alert.run(rows.flat());
    s.history.run(history.flat());
  } else {
    for (const row of rows) s.alert.run(row);
    for (const row of history) s.history.run(row);
  }
  s.db.exec('COMMIT');
}

const cpuMicros = () => {
  const { user, system } = process.threadCpuUsage();
  return user + system;
};

const results: Record<string, { base: number; variant: number; ratio: number }> = {};
console.log(`load average at the start: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const variant of VARIANTS) {
  const sides = [side(null), side(variant)];
  const spent = [0, 0];
  for (let b = 0; b < BATCHES; b++) {
    // Turns swap every batch: neither side always goes first after a checkpoint.
    for (const k of b % 2 === 0 ? [0, 1] : [1, 0]) {
      const s = sides[k]!;
      const rows = rowsOf(s, b);
      const before = cpuMicros();
      writeBatch(s, rows);
      spent[k]! += cpuMicros() - before;
      if (b % 10 === 9) s.db.pragma('wal_checkpoint(PASSIVE)');
    }
  }
  const perAlert = spent.map((micros) => Math.round((micros / (BATCHES * BATCH)) * 100) / 100);
  results[variant] = { base: perAlert[0]!, variant: perAlert[1]!, ratio: Math.round((perAlert[1]! / perAlert[0]!) * 100) / 100 };
  console.log(`${variant}: base ${perAlert[0]} vs ${perAlert[1]} CPU-µs per alert (rows, indexes, commit) = ${results[variant].ratio}×`);
  for (const s of sides) {
    s.db.close();
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
}
console.log(JSON.stringify({ bench: 'alert-writes', alerts: BATCHES * BATCH, cpuMicrosPerAlert: results, loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10) }));

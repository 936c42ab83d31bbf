import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { enableIncrementalVacuum } from './free-pages.ts';
import { serverFile } from '../server-files.ts';

export type Db = Database.Database;

const MIGRATIONS_DIR = serverFile(import.meta.url, './migrations', 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered migrations, one file each: `NNN_name.sql`, applied in order, once. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((file) => /^\d{3}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 3)), name: file.slice(4, -4), sql: fs.readFileSync(path.join(dir, file), 'utf8') }));
}

export class SchemaVersionError extends Error {
  constructor(found: number, known: number) {
    super(`Database schema version ${found} is newer than this server knows (${known}); upgrade the server or use another data folder.`);
    this.name = 'SchemaVersionError';
  }
}

/**
 * Opens (and creates) the SQLite database. WAL with synchronous=NORMAL keeps every
 * committed transaction across a process crash (kill -9), which is the durability we
 * promise: a write is acknowledged only after its transaction commits.
 */
export function openDatabase(file: string, migrations: Migration[] = loadMigrations()): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // Before WAL and the first table: a new file is created with incremental vacuum on.
  enableIncrementalVacuum(db, file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

/**
 * Applies every migration not applied yet, in order, each in its own transaction.
 * Applied versions are recorded one by one (not as a high-water mark) because features
 * own number ranges: a release may add 012 after a database has already run 031.
 * `user_version` keeps the highest applied number so that an older server refuses a
 * database written by a newer one before touching it.
 */
export function migrate(db: Db, migrations: Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > latest) throw new SchemaVersionError(current, latest);
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
      const highest = db.pragma('user_version', { simple: true }) as number;
      if (migration.version > highest) db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

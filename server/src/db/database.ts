import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

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
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

export function migrate(db: Db, migrations: Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > latest) throw new SchemaVersionError(current, latest);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { enableIncrementalVacuum } from './free-pages.ts';
import { serverFile } from '../server-files.ts';
import { SetupError } from '../setup-error.ts';
import { firstUnknownMigration, migrationLabel, type RecordedMigration } from './unknown-migrations.ts';

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

export class SchemaVersionError extends SetupError {
  constructor(found: number, known: number, message = `Database schema version ${found} is newer than this server knows (${known}); upgrade the server or use another data folder.`) {
    super(message);
    this.name = 'SchemaVersionError';
  }

  /** The database records a migration this server lacks (`firstUnknownMigration`). */
  static unknownMigration(recorded: RecordedMigration, known: number): SchemaVersionError {
    return new SchemaVersionError(
      recorded.version,
      known,
      `Database has migration ${migrationLabel(recorded)}, which this server does not know: another build of the server migrated it; run that build or a newer one, or use another data folder.`,
    );
  }
}

/**
 * The database file cannot be used: damaged (not a database, malformed), not writable by
 * this user, on a full disk, or held by another process. Start-up stops with this one line
 * (main.ts) instead of a SQLite stack trace, or instead of running on a read-only file.
 */
export class DatabaseFileError extends SetupError {
  readonly code: string;
  constructor(file: string, code: string, detail: string, options?: ErrorOptions) {
    super(`Cannot use the database file ${file} (${code}: ${detail}). ${DatabaseFileError.advice(file, code)}`, options);
    this.name = 'DatabaseFileError';
    this.code = code;
  }

  static advice(file: string, code: string): string {
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      return `The file is damaged: stop the server and restore it from a backup, or move ${path.basename(file)} and its -wal and -shm files aside to start with an empty database.`;
    }
    if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'Free space on its disk.';
    if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_LOCKED')) return 'Another process holds it: stop the other server using this data folder.';
    return 'Make the file, its -wal and -shm files and their folder writable by the user running the server (for example: chown or chmod them), or set SMARTCLOUDOPS_DATA_DIR to another folder.';
  }
}

/** SQLite's and the file system's ways of saying "this file cannot be used", as opposed to a bug in a statement. */
function isFileProblem(code: string): boolean {
  return /^SQLITE_(NOTADB|CORRUPT|CANTOPEN|READONLY|PERM|IOERR|FULL|BUSY|LOCKED|AUTH)/.test(code) || /^E(ACCES|PERM|ROFS|NOSPC|IO)$/.test(code);
}

/**
 * SQLite opens a file it may not write read-only without a word, and the server would then
 * start and fail at its first write: the file and its WAL companions must take writes (the
 * data folder itself was probed by `ensureWritableDataDir`).
 */
function assertWritable(file: string): void {
  for (const candidate of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.accessSync(candidate, fs.constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EACCES';
      if (code === 'ENOENT') continue;
      throw new DatabaseFileError(candidate, code, 'not writable', { cause: error });
    }
  }
}

/**
 * Opens (and creates) the SQLite database. WAL with synchronous=NORMAL keeps every
 * committed transaction across a process crash (kill -9), which is the durability we
 * promise: a write is acknowledged only after its transaction commits. A file that cannot
 * be used (damaged, read-only, full disk) is a `DatabaseFileError` naming it and the fix.
 */
export function openDatabase(file: string, migrations: Migration[] = loadMigrations()): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  assertWritable(file);
  let db: Db | undefined;
  try {
    db = new Database(file);
    // Before WAL and the first table: a new file is created with incremental vacuum on.
    enableIncrementalVacuum(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db?.close();
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && isFileProblem(code)) throw new DatabaseFileError(file, code, (error as Error).message, { cause: error });
    throw error;
  }
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
  const recorded = db.prepare('SELECT version, name FROM schema_migrations').all() as RecordedMigration[];
  const unknown = firstUnknownMigration(recorded, migrations);
  if (unknown) throw SchemaVersionError.unknownMigration(unknown, latest);
  const applied = new Set(recorded.map((row) => row.version));
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

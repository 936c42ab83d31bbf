import type { Migration } from './database.ts';

/** A row of `schema_migrations`: what a server recorded as applied to this database. */
export interface RecordedMigration {
  version: number;
  name: string;
}

/**
 * The first recorded migration this server does not have, by number and name, or undefined.
 * Numbers are owned by feature ranges and have gaps (a release may add 012 after 031), so a
 * database migrated by another build can hold a number below this server's newest that this
 * server lacks, or a number it has under another name (a migration renumbered before release):
 * the newest-version check alone lets such a database through, half of another schema. Those
 * are refused before anything is applied (`SchemaVersionError`).
 */
export function firstUnknownMigration(recorded: readonly RecordedMigration[], known: readonly Migration[]): RecordedMigration | undefined {
  const names = new Map(known.map((migration) => [migration.version, migration.name]));
  return [...recorded].sort((a, b) => a.version - b.version).find((row) => names.get(row.version) !== row.name);
}

/** `012_other_build`, as the migration's file is named. */
export function migrationLabel(migration: RecordedMigration): string {
  return `${String(migration.version).padStart(3, '0')}_${migration.name}`;
}

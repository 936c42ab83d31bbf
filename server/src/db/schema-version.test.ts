import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, openDatabase, SchemaVersionError, type Migration } from './database.ts';
import { buildServer } from '../app.ts';

describe('schema version', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies every migration once and records the version', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-schema-'));
    const file = path.join(dir, 'smartcloudops.db');
    const latest = Math.max(...loadMigrations().map((m) => m.version));
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(latest);
    db.close();
  });

  it('refuses a database written by a newer server, with a clear error, and leaves it untouched', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-schema-'));
    const file = path.join(dir, 'smartcloudops.db');
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();

    expect(() => openDatabase(file)).toThrow(SchemaVersionError);
    expect(() => openDatabase(file)).toThrow(/schema version 999 is newer than this server knows/);
    await expect(buildServer({ config: { dataDir: dir, logLevel: 'silent', adminPassword: 'first-run-password' } })).rejects.toThrow(SchemaVersionError);

    const after = new Database(file);
    expect(after.pragma('user_version', { simple: true })).toBe(999);
    expect(after.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    after.close();
  });
  it('refuses a database recording a migration this server does not know, below its newest (another build), untouched', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-schema-'));
    const file = path.join(dir, 'smartcloudops.db');
    const known: Migration[] = [
      { version: 1, name: 'core', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 31, name: 'alerts', sql: 'CREATE TABLE c (x INTEGER);' },
    ];
    // A build that also had 12 (a feature's number range) migrated this file.
    openDatabase(file, [...known, { version: 12, name: 'other_build', sql: 'CREATE TABLE b (x INTEGER NOT NULL);' }]).close();

    expect(() => openDatabase(file, known)).toThrow(SchemaVersionError);
    expect(() => openDatabase(file, known)).toThrow(/migration 012_other_build, which this server does not know/);
    // The same number under another name (a renumbered migration) is not this server's either.
    expect(() => openDatabase(file, [...known, { version: 12, name: 'metrics', sql: 'CREATE TABLE b2 (x INTEGER);' }])).toThrow(
      /migration 012_other_build, which this server does not know/,
    );

    const after = new Database(file);
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'b%'").pluck().all()).toEqual(['b']);
    after.close();
  });
});

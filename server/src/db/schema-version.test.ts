import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, openDatabase, SchemaVersionError } from './database.ts';
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
});

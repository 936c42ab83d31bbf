import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Migration } from './database.ts';

describe('migrate', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies a migration numbered below ones already applied (feature number ranges)', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-migrate-'));
    const file = path.join(dir, 'db.sqlite');
    const first: Migration[] = [
      { version: 1, name: 'core', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 31, name: 'alerts', sql: 'CREATE TABLE c (x INTEGER);' },
    ];
    openDatabase(file, first).close();
    const later = [...first, { version: 12, name: 'metrics', sql: 'CREATE TABLE b (x INTEGER);' }];
    const db = openDatabase(file, later);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b', 'c') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(['a', 'b', 'c']);
    expect(db.pragma('user_version', { simple: true })).toBe(31);
    db.close();
    // Opening again applies nothing twice (CREATE TABLE would fail).
    expect(() => openDatabase(file, later).close()).not.toThrow();
  });

  it('rolls back a failing migration as a whole', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-migrate-'));
    const file = path.join(dir, 'db.sqlite');
    const broken: Migration[] = [{ version: 1, name: 'broken', sql: 'CREATE TABLE a (x INTEGER); CREATE TABLE a (y INTEGER);' }];
    expect(() => openDatabase(file, broken)).toThrow();
    const db = openDatabase(file, [{ version: 1, name: 'fixed', sql: 'CREATE TABLE a (x INTEGER);' }]);
    expect(db.prepare('SELECT name FROM schema_migrations').all()).toEqual([{ name: 'fixed' }]);
    db.close();
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { releaseFreePages } from './free-pages.ts';
import { checkpointWal } from './wal-checkpoint.ts';

describe('free pages go back to the file system', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const tempFile = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-free-'));
    dirs.push(dir);
    return path.join(dir, 'db.sqlite');
  };

  it('turns incremental vacuum on in a database written without it, keeping every row, and then shrinks the file after deletes', () => {
    const file = tempFile();
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE probe (id INTEGER PRIMARY KEY, data BLOB)');
    const insert = old.prepare('INSERT INTO probe (data) VALUES (?)');
    old.transaction(() => {
      for (let i = 0; i < 1000; i++) insert.run(Buffer.alloc(4000, i));
    })();
    expect(old.pragma('auto_vacuum', { simple: true })).toBe(0);
    old.close();

    const db = openDatabase(file);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    expect(db.prepare('SELECT count(*) FROM probe').pluck().get()).toBe(1000);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBeGreaterThan(10);
    checkpointWal(db);
    const full = fs.statSync(file).size;
    db.prepare('DELETE FROM probe WHERE id > 100').run();
    // Freed pages alone do not shrink the file; released and checkpointed, they do.
    checkpointWal(db);
    expect(fs.statSync(file).size).toBe(full);
    expect(releaseFreePages(db)).toBeGreaterThan(800);
    checkpointWal(db);
    expect(fs.statSync(file).size).toBeLessThan(full - 3_000_000);
    expect(db.prepare('SELECT count(*) FROM probe').pluck().get()).toBe(100);
    db.close();
  });

  it('creates new databases with incremental vacuum and leaves a few free pages for reuse', () => {
    const db = openDatabase(tempFile());
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    db.exec('CREATE TABLE probe (id INTEGER PRIMARY KEY, data BLOB)');
    const insert = db.prepare('INSERT INTO probe (data) VALUES (?)');
    for (let i = 0; i < 40; i++) insert.run(Buffer.alloc(4000, i));
    db.prepare('DELETE FROM probe WHERE id <= 20').run();
    expect(db.pragma('freelist_count', { simple: true })).toBeGreaterThan(0);
    expect(releaseFreePages(db)).toBe(0);
    db.close();
  });
});

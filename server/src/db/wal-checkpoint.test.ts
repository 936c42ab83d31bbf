import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from './database.ts';
import Database from 'better-sqlite3';
import { checkpointWal, startWalCheckpointer, startWalCheckpoints } from './wal-checkpoint.ts';

describe('WAL checkpoints', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  /** A database of its own in a folder removed after the test. */
  const freshDatabase = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-wal-'));
    dirs.push(dir);
    const file = path.join(dir, 'db.sqlite');
    return { file, db: openDatabase(file) };
  };

  it('folds the log into the database and cuts the file back to nothing, keeping every row', () => {
    const { file, db } = freshDatabase();
    db.exec('CREATE TABLE wal_probe (id INTEGER PRIMARY KEY, data BLOB)');
    const insert = db.prepare('INSERT INTO wal_probe (data) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run(Buffer.alloc(4000, i));
    })();
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(1_000_000);
    expect(checkpointWal(db).busy).toBe(false);
    expect(fs.statSync(`${file}-wal`).size).toBe(0);
    db.close();
    const reopened = openDatabase(file);
    expect(reopened.prepare('SELECT count(*) FROM wal_probe').pluck().get()).toBe(500);
    reopened.close();
  });

  it('reports a checkpoint that fails and tries again at the next turn, instead of throwing from its timer', async () => {
    const { file, db } = freshDatabase();
    db.exec('CREATE TABLE wal_probe (id INTEGER PRIMARY KEY, data BLOB)');
    db.prepare('INSERT INTO wal_probe (data) VALUES (?)').run(Buffer.alloc(4000, 1));
    // A read-only connection cannot checkpoint: SQLite fails the turn for real (as SQLITE_FULL does on a full disk).
    const readOnly = new Database(file, { readonly: true });
    const errors: unknown[] = [];
    const stop = startWalCheckpoints(readOnly, 5, (error) => errors.push(error));
    await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(2), { timeout: 30_000, interval: 5 });
    stop();
    expect((errors[0] as { code?: string }).code).toMatch(/^SQLITE_/);
    readOnly.close();
    db.close();
  });

  it('checkpoints on its own thread when the log passes the mark, the connection then never does, and hands back on stop', async () => {
    const { file, db } = freshDatabase();
    db.exec('CREATE TABLE wal_probe (id INTEGER PRIMARY KEY, data BLOB)');
    const checkpointer = startWalCheckpointer(db, { pages: 50, pollMs: 5, startFrames: 0, watchMs: 5 });
    const checkpoints: { log: number; checkpointed: number; busy: boolean }[] = [];
    checkpointer.onCheckpoint = (result) => checkpoints.push(result);
    expect(await checkpointer.ready).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    // The migrations' pages out of the way: the log starts empty.
    checkpointWal(db);
    const insert = db.prepare('INSERT INTO wal_probe (data) VALUES (?)');
    let rows = 0;
    const write = () =>
      db.transaction(() => {
        for (let i = 0; i < 10; i++) insert.run(Buffer.alloc(3000, rows++ % 256));
      })();
    // ~80 pages, a row a page: past the mark.
    for (let t = 0; t < 8; t++) write();
    const grown = fs.statSync(`${file}-wal`).size;
    await vi.waitFor(() => expect(checkpoints.some((c) => c.log > 50 && c.checkpointed === c.log)).toBe(true), { timeout: 10_000 });
    // All copied back: a commit then writes the log from its start, the file does not grow.
    // A commit that meets the thread in its next turn (a reader then) appends instead, on a
    // busy machine now and then; the next full checkpoint lets a later commit start over.
    const wal = () => fs.statSync(`${file}-wal`).size;
    expect(wal()).toBe(grown);
    let startedOver = false;
    for (let attempt = 0; attempt < 10 && !startedOver; attempt++) {
      const [before, seen] = [wal(), checkpoints.length];
      write();
      startedOver = wal() === before;
      if (!startedOver) await vi.waitFor(() => expect(checkpoints.slice(seen).some((c) => c.log > 0 && c.checkpointed === c.log)).toBe(true), { timeout: 10_000 });
    }
    expect(startedOver).toBe(true);
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
    const reopened = openDatabase(file);
    expect(reopened.prepare('SELECT count(*) FROM wal_probe').pluck().get()).toBe(rows);
    reopened.close();
  });

  it('starts nothing for an in-memory database', async () => {
    const db = openDatabase(':memory:');
    const checkpointer = startWalCheckpointer(db);
    expect(await checkpointer.ready).toBe(false);
    await checkpointer.stop();
    db.close();
  });

  it('starts its thread only once the log has grown half way to the mark, the connection checkpointing by itself until then', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-wal-'));
    dirs.push(dir);
    const db = openDatabase(path.join(dir, 'db.sqlite'));
    checkpointWal(db);
    db.exec('CREATE TABLE wal_probe (id INTEGER PRIMARY KEY, data BLOB)');
    const checkpointer = startWalCheckpointer(db, { pages: 200, watchMs: 5 });
    let taken = false;
    void checkpointer.ready.then((value) => (taken = value));
    const insert = db.prepare('INSERT INTO wal_probe (data) VALUES (?)');
    // ~50 pages in one transaction: a quarter of the mark. The watch sees them (three looks) and starts nothing.
    const write = db.transaction((rows: number) => {
      for (let i = 0; i < rows; i++) insert.run(Buffer.alloc(3000));
    });
    write(50);
    let looks = 0;
    checkpointer.onLook = (pending) => {
      if (pending >= 50) looks++;
    };
    await vi.waitFor(() => expect(looks).toBeGreaterThanOrEqual(3));
    expect(taken).toBe(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // Past half the mark: the thread starts and takes over.
    write(100);
    expect(await checkpointer.ready).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await checkpointer.stop();
    db.close();
  });

  it('ends its thread while only a trickle of small commits comes (fewer frames than the mark over its window)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-wal-'));
    dirs.push(dir);
    const db = openDatabase(path.join(dir, 'db.sqlite'));
    checkpointWal(db);
    db.exec('CREATE TABLE wal_probe (id INTEGER PRIMARY KEY, data BLOB)');
    const checkpointer = startWalCheckpointer(db, { pages: 1000, startFrames: 50, watchMs: 5, pollMs: 5, idleMs: 400 });
    const insert = db.prepare('INSERT INTO wal_probe (data) VALUES (?)');
    const write = db.transaction((rows: number) => {
      for (let i = 0; i < rows; i++) insert.run(Buffer.alloc(3000));
    });
    write(60);
    expect(await checkpointer.ready).toBe(true);
    // A small commit every few milliseconds (an idle server's upkeep, in fast motion): the
    // log never stands still for a window, but grows by far less than the mark in one.
    let stopped = false;
    const trickle = async () => {
      while (!stopped) {
        if (db.pragma('wal_autocheckpoint', { simple: true }) === 1000) return;
        insert.run(Buffer.alloc(10));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    const trickling = trickle();
    await vi.waitFor(() => expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000), { timeout: 10_000 });
    stopped = true;
    await trickling;
    await checkpointer.stop();
    db.close();
  });

  it('ends its thread when no commit comes for a while, the connection checkpointing by itself again, and starts it again on the next burst', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-wal-'));
    dirs.push(dir);
    const db = openDatabase(path.join(dir, 'db.sqlite'));
    checkpointWal(db);
    db.exec('CREATE TABLE wal_probe (id INTEGER PRIMARY KEY, data BLOB)');
    const checkpointer = startWalCheckpointer(db, { pages: 100, watchMs: 5, pollMs: 5, idleMs: 50 });
    const insert = db.prepare('INSERT INTO wal_probe (data) VALUES (?)');
    const write = db.transaction((rows: number) => {
      for (let i = 0; i < rows; i++) insert.run(Buffer.alloc(3000));
    });
    write(60);
    expect(await checkpointer.ready).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    // Quiet: the thread hands back and ends.
    await vi.waitFor(() => expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000));
    // It copied the log back before it went: the watch looks and finds nothing to start for.
    const looked: number[] = [];
    checkpointer.onLook = (pending) => looked.push(pending);
    await vi.waitFor(() => expect(looked.length).toBeGreaterThanOrEqual(3));
    expect(looked.every((pending) => pending === 0)).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // A burst: the watch starts it again.
    write(60);
    await vi.waitFor(() => expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0));
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });
});

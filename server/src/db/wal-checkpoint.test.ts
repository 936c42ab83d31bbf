import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { checkpointWal } from './wal-checkpoint.ts';

describe('WAL checkpoints', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('folds the log into the database and cuts the file back to nothing, keeping every row', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-wal-'));
    dirs.push(dir);
    const file = path.join(dir, 'db.sqlite');
    const db = openDatabase(file);
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
});

/**
 * Child process for the crash-safety test: writes to the real database as fast as it can
 * and prints each id only after its transaction committed ("acknowledged"). The test
 * kills it with SIGKILL mid-stream. Usage: node crash-writer.fixture.ts <db file>
 */
import fs from 'node:fs';
import crypto from 'node:crypto';
import { openDatabase } from './database.ts';

const db = openDatabase(process.argv[2]!);
db.exec('CREATE TABLE IF NOT EXISTS crash_probe (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)');
const insert = db.prepare('INSERT INTO crash_probe (payload) VALUES (?)');
// Several rows per transaction with varied sizes, so the WAL grows and checkpoints happen mid-run.
const writeBatch = db.transaction((count: number) => {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(Number(insert.run(crypto.randomBytes(256 + Math.floor(Math.random() * 4096))).lastInsertRowid));
  return ids;
});

for (;;) {
  const ids = writeBatch(1 + Math.floor(Math.random() * 8));
  // Synchronous write to the pipe: once the line is out, the commit has happened.
  fs.writeSync(1, `${ids.join('\n')}\n`);
}

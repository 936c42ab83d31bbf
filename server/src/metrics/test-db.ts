import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../db/database.ts';

/** A migrated database in a fresh temp folder, and how to remove it. */
export function openTempDb(): { db: Db; dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-metrics-'));
  const db = openDatabase(path.join(dir, 'test.db'));
  return {
    db,
    dir,
    cleanup() {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

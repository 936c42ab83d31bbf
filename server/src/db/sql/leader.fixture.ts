/**
 * Child process for the leadership test: contends for the scheduled-work lock on the
 * PostgreSQL URL given, prints "leader" once it holds it, and stays alive until killed (the
 * test kills it with SIGKILL, as a crashed replica). Usage: node leader.fixture.ts <url> <retry ms>
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseSettings } from '../database-url.ts';
import { openDatabase } from '../database.ts';
import { createLeadership } from './leadership.ts';
import { openSqlDatabase } from './open.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-leader-'));
const sqlite = openDatabase(path.join(dataDir, 'unused.db'));
const database = openSqlDatabase(databaseSettings({ SMARTCLOUDOPS_DATABASE_URL: process.argv[2]! }, dataDir), sqlite);
const leadership = createLeadership(database, { name: process.argv[4] ?? 'scheduled-work', retryMs: Number(process.argv[3]) });
leadership.onChange((leader) => fs.writeSync(1, `${leader ? 'leader' : 'follower'}\n`));
leadership.start();
// Keep the process alive; only a signal ends it.
setInterval(() => undefined, 60_000);

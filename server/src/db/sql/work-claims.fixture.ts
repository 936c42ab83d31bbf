/**
 * Child process for the work claims test: joins the members of the PostgreSQL URL given
 * under the replica name given, claims piece 7, prints "claimed", and stays alive until
 * killed (the test kills it with SIGKILL, as a crashed replica).
 * Usage: node work-claims.fixture.ts <url> <replica name>
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseSettings } from '../database-url.ts';
import { openDatabase } from '../database.ts';
import { openSqlDatabase } from './open.ts';
import { createWorkClaims } from './work-claims.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-claims-'));
const sqlite = openDatabase(path.join(dataDir, 'unused.db'));
const database = openSqlDatabase(databaseSettings({ SMARTCLOUDOPS_DATABASE_URL: process.argv[2]! }, dataDir), sqlite);
const claims = createWorkClaims(database, { name: 'test-work', timeoutMs: 30_000, replicaId: process.argv[3]! });
if (!(await claims.claim(7))) throw new Error('piece 7 was already claimed');
fs.writeSync(1, 'claimed\n');
// Keep the process alive; only a signal ends it.
setInterval(() => undefined, 60_000);

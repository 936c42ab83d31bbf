// A desktop cache syncing in a process of its own, for client-kill.test.ts: the parent kills
// it with SIGKILL at some point of a backfill, as a crash or a forced quit of the app would.
// argv: <cache file> <server url> <token> <page size>. Prints a line per committed page.
// Before each request it prints `ready` and waits for a line on stdin: the parent decides
// when the sync goes on, so a starved parent (a busy machine) cannot see the sync run past
// the point it meant to kill it at, or finish first.
import readline from 'node:readline';
import type { Transport } from '../../../shared/api/client.ts';
import { openLocalCache } from '../cache/local-cache.ts';
import { fetchTransport } from '../testing/fetch-transport.ts';
import { SyncEngine } from './sync-engine.ts';

const [file, url, token, pageSize] = process.argv.slice(2);
const goAhead = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const server = fetchTransport(url!, () => token!);
const gated: Transport = async (request) => {
  process.stdout.write('ready\n');
  await goAhead.next();
  return server(request);
};
const cache = openLocalCache(file!);
const engine = new SyncEngine({ cache, transport: gated, stream: { connect: () => ({ close: () => {} }) }, pageSize: Number(pageSize) });
engine.onProgress((progress) => process.stdout.write(`samples ${progress.samples}\n`));
await engine.syncNow();
// stdin stays open (the gate), so leave once the line is out.
process.stdout.write('done\n', () => process.exit(0));

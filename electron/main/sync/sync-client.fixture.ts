// A desktop cache syncing in a process of its own, for client-kill.test.ts: the parent kills
// it with SIGKILL at some point of a backfill, as a crash or a forced quit of the app would.
// argv: <cache file> <server url> <token> <page size>. Prints a line per committed page.
import { openLocalCache } from '../cache/local-cache.ts';
import { fetchTransport } from '../testing/fetch-transport.ts';
import { SyncEngine } from './sync-engine.ts';

const [file, url, token, pageSize] = process.argv.slice(2);
const cache = openLocalCache(file!);
const engine = new SyncEngine({ cache, transport: fetchTransport(url!, () => token!), stream: { connect: () => ({ close: () => {} }) }, pageSize: Number(pageSize) });
engine.onProgress((progress) => process.stdout.write(`samples ${progress.samples}\n`));
await engine.syncNow();
process.stdout.write('done\n');

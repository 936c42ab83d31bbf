/**
 * Times every better-sqlite3 statement a process runs, by its SQL text, for a benchmark's
 * server: `BENCH_NODE_ARGS=--import=./bench/support/sql-timing.ts npm run bench:peer-alerts`.
 * On exit it writes, largest first, the milliseconds, the runs and the first 100 characters
 * of each statement to `SQL_TIMING_OUT` (default: a file named by the pid in the temp
 * folder). Wall time around each synchronous call, so a loaded machine inflates every line
 * alike: read the shares, not the figures. Covers the query layer on SQLite (Kysely's driver
 * and `statement()` both end in `Statement.run/get/all`) and better-sqlite3's own
 * `transaction()` (its BEGIN and COMMIT are statements too).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;
const probe = new Database(':memory:');
const prototype = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<'run' | 'get' | 'all', (...args: unknown[]) => unknown>;
probe.close();

const spent = new Map<string, { runs: number; nanos: bigint }>();
for (const method of ['run', 'get', 'all'] as const) {
  const original = prototype[method];
  prototype[method] = function timed(this: BetterSqlite3.Statement, ...args: unknown[]) {
    const started = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      const key = this.source.replace(/\s+/g, ' ').slice(0, 100);
      const entry = spent.get(key) ?? { runs: 0, nanos: 0n };
      entry.runs++;
      entry.nanos += process.hrtime.bigint() - started;
      spent.set(key, entry);
    }
  };
}

process.on('exit', () => {
  const lines = [...spent].sort((a, b) => Number(b[1].nanos - a[1].nanos)).map(([sql, { runs, nanos }]) => `${(Number(nanos) / 1e6).toFixed(1).padStart(9)} ms ${String(runs).padStart(8)} × ${sql}`);
  fs.writeFileSync(process.env.SQL_TIMING_OUT ?? path.join(os.tmpdir(), `sql-timing-${process.pid}.txt`), `${lines.join('\n')}\n`);
});

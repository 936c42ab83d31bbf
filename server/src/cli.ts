#!/usr/bin/env node
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from './config.ts';
import { copySqliteToPostgres, MigrateError } from './db/copy-to-postgres.ts';

const USAGE = `Usage: smartcloudops migrate --from sqlite:<file> --to postgres://user:password@host:5432/database

Copies an installation's SQLite database into an empty PostgreSQL database (the tables that
run on PostgreSQL so far; see docs/deploy.md), verified by row counts and checksums.`;

/** `smartcloudops <command>`: administration commands beside the server (`node server/src/cli.ts`). */
export async function runCli(argv: string[], out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'migrate') {
    out(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  let values: { from?: string; to?: string };
  try {
    ({ values } = parseArgs({ args: rest, options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true }));
  } catch (error) {
    out(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!values.from?.startsWith('sqlite:') || !values.to) {
    out(USAGE);
    return 2;
  }
  try {
    const reports = await copySqliteToPostgres(values.from.slice('sqlite:'.length), values.to);
    for (const report of reports) out(`${report.table.padEnd(20)} ${String(report.rows).padStart(8)} rows  sha256 ${report.checksum}`);
    out('Copied and verified: every row count and checksum matches.');
    return 0;
  } catch (error) {
    if (error instanceof MigrateError || error instanceof ConfigError) {
      out(error.message);
      return 1;
    }
    throw error;
  }
}

// Run as a program (not imported by a test).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await runCli(process.argv.slice(2));

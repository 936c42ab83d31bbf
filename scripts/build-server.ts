// `npm run build:server`: the server as Node runs it in production (npm start, the image,
// the peer benchmarks): one ES module bundle per entry point in out/server/, so that Node
// neither loads its TypeScript stripper nor keeps a module record and source per file.
// Tests and development keep running the TypeScript sources; server/src/server-files.ts
// is where the two differ (the paths of workers and migrations). Why, with figures:
// docs/benchmarks.md, "Idle memory, fifth round: the built server".
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_OUT = path.join(ROOT, 'out/server');

/** Entry points, named as server/src/server-files.ts expects them in out/server/. */
const ENTRIES = {
  main: 'server/src/main.ts',
  cli: 'server/src/cli.ts',
  'anomaly-worker': 'server/src/anomaly/worker.ts',
  'range-worker': 'server/src/metrics/range-worker.ts',
  'host-thread': 'server/src/metrics/collectors/host-thread.ts',
  'wal-checkpoint-thread': 'server/src/db/wal-checkpoint-thread.ts',
};

/** SQL read at start-up, copied beside the bundles. */
const COPIED = { migrations: 'server/src/db/migrations', 'migrations-postgres': 'server/src/db/migrations-postgres' };

export async function buildServer(outDir = SERVER_OUT): Promise<void> {
  fs.rmSync(outDir, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: outDir,
    bundle: true,
    // Our code only (server/ and shared/, ~300 modules): npm packages stay in node_modules,
    // loaded as Node loads them, so native modules (better-sqlite3, argon2) and packages
    // that read their own files (@fastify/swagger-ui) keep working. Bundling them too was
    // measured at a few MiB less (104 vs 108 MiB fresh) and breaks those.
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node22.12',
    // Shared code in chunks, and `await import()` of a lazily loaded module a chunk of its own.
    splitting: true,
    minifyWhitespace: true,
    minifySyntax: true,
    // Function and class names as in the sources (logs name errors by their class).
    keepNames: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const [name, from] of Object.entries(COPIED)) fs.cpSync(path.join(ROOT, from), path.join(outDir, name), { recursive: true });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildServer();

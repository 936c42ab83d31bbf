import { spawnSync } from 'node:child_process';
import { nodeOptions, V8_FLAGS } from '../../scripts/server-runtime-env.ts';

const MARK = 'SMARTCLOUDOPS_BENCH_SERVER_FLAGS';

/**
 * A benchmark that runs our server's code in its own process (bench:datasource's proxies)
 * measures it with the V8 flags the server runs with (`npm start`, the image:
 * scripts/server-runtime-env.ts): this re-runs the script once with them in NODE_OPTIONS
 * (the caller's own NODE_OPTIONS after them, so a flag given for an experiment wins) and
 * exits with its status. Returns the flags the process runs with.
 */
export function runWithServerFlags(): string {
  if (process.env[MARK] === '1') return process.env.NODE_OPTIONS ?? '';
  const run = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, [MARK]: '1', NODE_OPTIONS: nodeOptions(V8_FLAGS, process.env.NODE_OPTIONS) } });
  process.exit(run.status ?? 1);
}

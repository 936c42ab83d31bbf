import path from 'node:path';
import { decimalInteger } from '../config-numbers.ts';
import parseDuration from 'parse-duration';
import { ConfigError } from '../config.ts';

type Env = Record<string, string | undefined>;

export interface RunbookSettings {
  /** Folder of runbook files (`SMARTCLOUDOPS_RUNBOOKS_DIR`, default `<data dir>/runbooks`). */
  dir: string;
  /** Where `run` steps' processes are noted while they run (`<data dir>/runbook-processes`, executors/process-ledger.ts). */
  processDir: string;
  /** Base URLs the `http` executor may call (`SMARTCLOUDOPS_RUNBOOK_HTTP_ALLOW`). */
  httpAllow: string[];
  /** URLs the `webhook` executor may post to (`SMARTCLOUDOPS_RUNBOOK_WEBHOOK_ALLOW`). */
  webhookAllow: string[];
  /** Runs of all runbooks together per rolling hour (`SMARTCLOUDOPS_RUNBOOK_GLOBAL_RUNS_PER_HOUR`). */
  globalRunsPerHour: number;
  /** Failed runs within `breakerWindowMs` that open a runbook's breaker (`SMARTCLOUDOPS_RUNBOOK_BREAKER_FAILURES`). */
  breakerFailures: number;
  /** `SMARTCLOUDOPS_RUNBOOK_BREAKER_WINDOW`, e.g. `1h`. */
  breakerWindowMs: number;
  /** Output kept per step, bytes (`SMARTCLOUDOPS_RUNBOOK_OUTPUT_LIMIT`). */
  outputLimitBytes: number;
  /** PATH of the clean environment `run` steps get (`SMARTCLOUDOPS_RUNBOOK_PATH`). */
  execPath: string;
  /** A run waiting for approval expires after this long (`SMARTCLOUDOPS_RUNBOOK_APPROVAL_TTL`). */
  approvalTtlMs: number;
  /** Default step timeout. */
  stepTimeoutMs: number;
  /** How often verify re-reads its query. */
  verifyIntervalMs: number;
  /** Debounce of the file watcher. */
  reloadDebounceMs: number;
  /** How often a server looks for queued runs nobody holds (replicas; tests shorten it). Default 5 s. */
  queuePollMs?: number;
}

export function defaultRunbookSettings(dataDir: string): RunbookSettings {
  return {
    dir: path.join(dataDir, 'runbooks'),
    processDir: path.join(dataDir, 'runbook-processes'),
    httpAllow: [],
    webhookAllow: [],
    globalRunsPerHour: 20,
    breakerFailures: 3,
    breakerWindowMs: 3_600_000,
    outputLimitBytes: 64 * 1024,
    execPath: '/usr/local/bin:/usr/bin:/bin',
    approvalTtlMs: 3_600_000,
    stepTimeoutMs: 60_000,
    verifyIntervalMs: 5_000,
    reloadDebounceMs: 200,
  };
}

/** A duration as people write it (`30s`, `2m`, `1h30m`); null when unreadable or not positive. */
export function durationMs(text: string): number | null {
  const value = parseDuration(text.trim());
  return value === null || !Number.isFinite(value) || value < 0 ? null : Math.round(value);
}

function integer(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = decimalInteger(raw);
  if (value === null || value < min || value > max) throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${raw}")`);
  return value;
}

function duration(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = durationMs(raw);
  if (value === null || value === 0) throw new ConfigError(name, `must be a duration such as 30s, 10m or 1h (got "${raw}")`);
  return value;
}

/** Comma-separated http(s) URLs, each kept as a normalised prefix. */
export function parseUrlList(name: string, value: string | undefined): string[] {
  if (!value) return [];
  return value.split(',').map((t) => t.trim()).filter((t) => t !== '').map((t) => {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      throw new ConfigError(name, `has an invalid URL "${t}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, `has a non-http(s) URL "${t}"`);
    return url.href;
  });
}

/**
 * Runbook settings from `SMARTCLOUDOPS_RUNBOOK*` variables on top of the defaults; an
 * invalid value stops start-up with a ConfigError naming the variable.
 */
export function runbookSettingsFromEnv(env: Env, dataDir: string): RunbookSettings {
  const settings = defaultRunbookSettings(dataDir);
  if (env.SMARTCLOUDOPS_RUNBOOKS_DIR) settings.dir = path.resolve(env.SMARTCLOUDOPS_RUNBOOKS_DIR);
  settings.httpAllow = parseUrlList('SMARTCLOUDOPS_RUNBOOK_HTTP_ALLOW', env.SMARTCLOUDOPS_RUNBOOK_HTTP_ALLOW);
  settings.webhookAllow = parseUrlList('SMARTCLOUDOPS_RUNBOOK_WEBHOOK_ALLOW', env.SMARTCLOUDOPS_RUNBOOK_WEBHOOK_ALLOW);
  settings.globalRunsPerHour = integer(env, 'SMARTCLOUDOPS_RUNBOOK_GLOBAL_RUNS_PER_HOUR', 1, 100_000) ?? settings.globalRunsPerHour;
  settings.breakerFailures = integer(env, 'SMARTCLOUDOPS_RUNBOOK_BREAKER_FAILURES', 1, 1000) ?? settings.breakerFailures;
  settings.breakerWindowMs = duration(env, 'SMARTCLOUDOPS_RUNBOOK_BREAKER_WINDOW') ?? settings.breakerWindowMs;
  settings.outputLimitBytes = integer(env, 'SMARTCLOUDOPS_RUNBOOK_OUTPUT_LIMIT', 1024, 16 * 1_048_576) ?? settings.outputLimitBytes;
  settings.approvalTtlMs = duration(env, 'SMARTCLOUDOPS_RUNBOOK_APPROVAL_TTL') ?? settings.approvalTtlMs;
  if (env.SMARTCLOUDOPS_RUNBOOK_PATH) settings.execPath = env.SMARTCLOUDOPS_RUNBOOK_PATH;
  return settings;
}

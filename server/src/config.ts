import path from 'node:path';
import os from 'node:os';
import net from 'node:net';
import { decimalInteger } from './config-numbers.ts';
import { SetupError } from './setup-error.ts';
import { SCRAPE_LIMITS, type ScrapeLimitSettings } from './metrics/collectors/prometheus-scrape.ts';

/** Server configuration, read once from the environment at start-up. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** First-run password of the `admin` user; when absent a one-time password is printed. */
  adminPassword: string | undefined;
  logLevel: string;
  /** Seconds between host metric collections. */
  collectIntervalSeconds: number;
  /** Maximum accepted request body, bytes. */
  bodyLimitBytes: number;
  /** Folder holding the built web console (served at `/`), if any. */
  webRoot: string | undefined;
  /** Requests per minute per client address to /auth/login and /auth/refresh. */
  authRateLimitPerMinute: number;
  /** Failed logins before a username is locked out. */
  lockoutFailuresPerUser: number;
  /** Failed logins before a client address is locked out. */
  lockoutFailuresPerIp: number;
  /** Lockout duration (and failure counting window), seconds. */
  lockoutSeconds: number;
  /** How long a shutdown (SIGTERM, SIGINT) waits for the requests running before answering them 503, seconds. */
  shutdownGraceSeconds: number;
  /** Prometheus exposition endpoints to scrape, from SMARTCLOUDOPS_SCRAPE_TARGETS. */
  scrapeTargets: string[];
  /** Days the audit log keeps an entry (SMARTCLOUDOPS_AUDIT_RETENTION_DAYS); 0 keeps every entry for ever. */
  auditRetentionDays: number;
  /**
   * What one scrape takes, 0 being no limit as in Prometheus: samples (SMARTCLOUDOPS_SCRAPE_SAMPLE_LIMIT,
   * `sample_limit`), labels of a series (..._LABEL_LIMIT), bytes of a label name (..._LABEL_NAME_LENGTH_LIMIT)
   * and of a label value (..._LABEL_VALUE_LENGTH_LIMIT).
   */
  scrapeLimits: ScrapeLimitSettings;
  /** Fastify's trustProxy, from SMARTCLOUDOPS_TRUST_PROXY: which proxies may name the client address. */
  trustProxy: boolean | number | string[];
}

export class ConfigError extends SetupError {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = decimalInteger(raw);
  if (value === null || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads `SMARTCLOUDOPS_*` variables. Anything invalid throws a ConfigError naming the
 * variable, so start-up stops with a message a person can act on.
 */
export function loadConfig(env: Env = process.env): ServerConfig {
  const host = env.SMARTCLOUDOPS_HOST || '127.0.0.1';
  if (!/^[\w.:-]+$/.test(host)) throw new ConfigError('SMARTCLOUDOPS_HOST', `is not a host name or address (got "${host}")`);
  const logLevel = env.SMARTCLOUDOPS_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('SMARTCLOUDOPS_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const adminPassword = env.SMARTCLOUDOPS_ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('SMARTCLOUDOPS_ADMIN_PASSWORD', 'must be at least 8 characters long');
  }
  const dataDir = path.resolve(env.SMARTCLOUDOPS_DATA_DIR || path.join(os.homedir(), '.smartcloudops'));
  return {
    host,
    port: integer(env, 'SMARTCLOUDOPS_PORT', 8787, 0, 65535),
    dataDir,
    adminPassword,
    logLevel,
    collectIntervalSeconds: integer(env, 'SMARTCLOUDOPS_COLLECT_INTERVAL', 10, 0, 86_400),
    bodyLimitBytes: integer(env, 'SMARTCLOUDOPS_BODY_LIMIT', 1_048_576, 1024, 64 * 1_048_576),
    webRoot: env.SMARTCLOUDOPS_WEB_ROOT ? path.resolve(env.SMARTCLOUDOPS_WEB_ROOT) : undefined,
    authRateLimitPerMinute: integer(env, 'SMARTCLOUDOPS_AUTH_RATE_LIMIT', 30, 1, 100_000),
    lockoutFailuresPerUser: integer(env, 'SMARTCLOUDOPS_LOCKOUT_FAILURES', 5, 1, 1000),
    lockoutFailuresPerIp: integer(env, 'SMARTCLOUDOPS_LOCKOUT_IP_FAILURES', 20, 1, 100_000),
    lockoutSeconds: integer(env, 'SMARTCLOUDOPS_LOCKOUT_SECONDS', 900, 1, 86_400),
    shutdownGraceSeconds: integer(env, 'SMARTCLOUDOPS_SHUTDOWN_GRACE', 8, 0, 3600),
    scrapeTargets: parseScrapeTargets(env.SMARTCLOUDOPS_SCRAPE_TARGETS),
    scrapeLimits: {
      maxSamples: integer(env, 'SMARTCLOUDOPS_SCRAPE_SAMPLE_LIMIT', SCRAPE_LIMITS.maxSamples, 0, 100_000_000),
      maxLabels: integer(env, 'SMARTCLOUDOPS_SCRAPE_LABEL_LIMIT', SCRAPE_LIMITS.maxLabels, 0, 100_000),
      maxLabelNameLength: integer(env, 'SMARTCLOUDOPS_SCRAPE_LABEL_NAME_LENGTH_LIMIT', SCRAPE_LIMITS.maxLabelNameLength, 0, 16 * 1024 * 1024),
      maxLabelValueLength: integer(env, 'SMARTCLOUDOPS_SCRAPE_LABEL_VALUE_LENGTH_LIMIT', SCRAPE_LIMITS.maxLabelValueLength, 0, 16 * 1024 * 1024),
    },
    trustProxy: parseTrustProxy(env.SMARTCLOUDOPS_TRUST_PROXY),
    auditRetentionDays: integer(env, 'SMARTCLOUDOPS_AUDIT_RETENTION_DAYS', 0, 0, 36_500),
  };
}

/** `SMARTCLOUDOPS_SCRAPE_TARGETS`: comma-separated http(s) URLs of exposition endpoints. */
export function parseScrapeTargets(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => {
      let url: URL;
      try {
        url = new URL(t);
      } catch {
        throw new ConfigError('SMARTCLOUDOPS_SCRAPE_TARGETS', `has an invalid URL "${t}"`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('SMARTCLOUDOPS_SCRAPE_TARGETS', `has a non-http(s) URL "${t}"`);
      return url.href;
    });
}

/**
 * `SMARTCLOUDOPS_TRUST_PROXY`: unset or `false` trusts no proxy (request.ip is the socket's
 * peer); a comma-separated list of proxy addresses or CIDR ranges (`10.0.0.0/8,127.0.0.1`)
 * trusts X-Forwarded-For from those; a number trusts that many hops; `true` trusts any
 * sender (only when nothing but the proxy can reach the server).
 */
export function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops < 1 || hops > 16) throw new ConfigError('SMARTCLOUDOPS_TRUST_PROXY', `must be a hop count from 1 to 16 (got "${text}")`);
    return hops;
  }
  return text.split(',').map((entry) => {
    const item = entry.trim();
    const [address, bits, extra] = item.split('/');
    const family = net.isIP(address ?? '');
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!family || !validBits || extra !== undefined) {
      throw new ConfigError('SMARTCLOUDOPS_TRUST_PROXY', `must be false, true, a hop count, or comma-separated addresses/CIDR ranges (got "${item}")`);
    }
    return item;
  });
}

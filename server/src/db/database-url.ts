import path from 'node:path';
import { ConfigError } from '../config.ts';

/**
 * Which database the server uses. SQLite in the data folder is the zero-set-up default;
 * `SMARTCLOUDOPS_DATABASE_URL=postgres://user:pass@host:5432/db` selects PostgreSQL (the
 * scale-out mode, several replicas on one database).
 */
export type DatabaseSettings = SqliteSettings | PostgresSettings;

export interface SqliteSettings {
  dialect: 'sqlite';
  /** Absolute path of the database file. */
  file: string;
}

export interface PostgresSettings {
  dialect: 'postgres';
  host: string;
  port: number;
  database: string;
  user: string;
  password: string | undefined;
  /** libpq's sslmode; `disable` unless the URL asks for more. */
  sslMode: SslMode;
  /** The URL with the password masked, for logs and /ready details. */
  redacted: string;
  /** The URL as given, for the driver (holds the password: never log it). */
  connectionString: string;
}

export const DATABASE_URL_VARIABLE = 'SMARTCLOUDOPS_DATABASE_URL';
export const SQLITE_FILE_NAME = 'smartcloudops.db';

const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
type SslMode = (typeof SSL_MODES)[number];
/** Query parameters we understand; anything else is refused so a typo is not silently ignored. */
const KNOWN_PARAMETERS = new Set(['sslmode', 'application_name']);

/** Reads SMARTCLOUDOPS_DATABASE_URL; unset or empty means the SQLite file in `dataDir`. */
export function databaseSettings(env: Record<string, string | undefined>, dataDir: string): DatabaseSettings {
  const raw = env[DATABASE_URL_VARIABLE]?.trim();
  if (!raw) return { dialect: 'sqlite', file: path.join(path.resolve(dataDir), SQLITE_FILE_NAME) };
  return parsePostgresUrl(raw);
}

/** Parses a `postgres://` (or `postgresql://`) URL; every problem is a ConfigError naming the variable. */
export function parsePostgresUrl(raw: string): PostgresSettings {
  const fail = (problem: string): never => {
    throw new ConfigError(DATABASE_URL_VARIABLE, problem);
  };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The text may hold a password: describe the problem, never echo the value.
    return fail('is not a URL (expected postgres://user:password@host:5432/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    return fail(`must be a postgres:// URL (got scheme "${url.protocol}"); leave it unset to use the SQLite file in the data folder`);
  }
  if (!url.hostname) fail('has no host (expected postgres://user:password@host:5432/database)');
  const port = url.port === '' ? 5432 : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`has an invalid port "${url.port}"`);
  const database = decode(url.pathname.replace(/^\//, ''), 'database name', fail);
  if (!database || database.includes('/')) fail('must name one database in its path (postgres://user:password@host:5432/database)');
  const user = decode(url.username, 'user name', fail);
  if (!user) fail('has no user name (postgres://user:password@host:5432/database)');
  for (const key of url.searchParams.keys()) {
    if (!KNOWN_PARAMETERS.has(key)) fail(`has an unsupported parameter "${key}" (supported: ${[...KNOWN_PARAMETERS].join(', ')})`);
  }
  const sslMode = url.searchParams.get('sslmode') ?? 'disable';
  if (!(SSL_MODES as readonly string[]).includes(sslMode)) fail(`has an unknown sslmode "${sslMode}" (one of ${SSL_MODES.join(', ')})`);
  const password = url.password === '' ? undefined : decode(url.password, 'password', fail);
  const masked = new URL(url.href);
  if (masked.password) masked.password = '***';
  return {
    dialect: 'postgres',
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    database,
    user,
    password,
    sslMode: sslMode as SslMode,
    redacted: masked.href,
    connectionString: raw,
  };
}

function decode(value: string, what: string, fail: (problem: string) => never): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return fail(`has a badly percent-encoded ${what}`);
  }
}

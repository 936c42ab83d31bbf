import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.ts';
import { databaseSettings, parsePostgresUrl } from './database-url.ts';

const configError = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('SMARTCLOUDOPS_DATABASE_URL', () => {
  it('unset or empty: the SQLite file in the data folder', () => {
    expect(databaseSettings({}, '/var/lib/sco')).toEqual({ dialect: 'sqlite', file: '/var/lib/sco/smartcloudops.db' });
    expect(databaseSettings({ SMARTCLOUDOPS_DATABASE_URL: '  ' }, 'rel')).toEqual({ dialect: 'sqlite', file: path.resolve('rel', 'smartcloudops.db') });
  });

  it('postgres://user:pass@host:5432/db selects PostgreSQL', () => {
    const settings = databaseSettings({ SMARTCLOUDOPS_DATABASE_URL: 'postgres://sco:s3cret@db.internal:5433/console' }, '/data');
    expect(settings).toEqual({
      dialect: 'postgres',
      host: 'db.internal',
      port: 5433,
      database: 'console',
      user: 'sco',
      password: 's3cret',
      sslMode: 'disable',
      redacted: 'postgres://sco:***@db.internal:5433/console',
      connectionString: 'postgres://sco:s3cret@db.internal:5433/console',
    });
  });

  it('accepts postgresql://, the default port, percent-encoded credentials, IPv6 hosts and sslmode', () => {
    const settings = parsePostgresUrl('postgresql://app%40corp:p%2Fw%3Ad@[::1]/ops?sslmode=verify-full&application_name=sco');
    expect(settings).toMatchObject({ host: '::1', port: 5432, database: 'ops', user: 'app@corp', password: 'p/w:d', sslMode: 'verify-full' });
    expect(parsePostgresUrl('postgres://sco@localhost/ops').password).toBeUndefined();
  });

  it.each([
    ['not a url', /is not a URL/],
    ['mysql://u:p@h/db', /must be a postgres:\/\/ URL .*"mysql:".*SQLite/],
    ['postgres://u:p@h:99999/db', /./],
    ['postgres://u:p@h:5432/', /must name one database/],
    ['postgres://u:p@h:5432/a/b', /must name one database/],
    ['postgres://:p@h/db', /has no user name/],
    ['postgres://u:p@h/db?sslmod=require', /unsupported parameter "sslmod"/],
    ['postgres://u:p@h/db?sslmode=always', /unknown sslmode "always"/],
    ['postgres://u:%E0%A4%A@h/db', /badly percent-encoded password/],
  ])('refuses %s with an error naming the variable', (value, message) => {
    const error = configError(() => databaseSettings({ SMARTCLOUDOPS_DATABASE_URL: value }, '/data'));
    expect(error.variable).toBe('SMARTCLOUDOPS_DATABASE_URL');
    expect(error.message).toMatch(/^Invalid configuration: SMARTCLOUDOPS_DATABASE_URL /);
    expect(error.message).toMatch(message);
  });

  it('never repeats the password in an error', () => {
    for (const value of ['postgres://u:hunter2-secret@h/db?x=1', 'postgres://u:hunter2-secret@h:0x/db', 'mysql://u:hunter2-secret@h/db', 'postgres://u:hunter2-secret@h/']) {
      expect(configError(() => parsePostgresUrl(value)).message).not.toContain('hunter2');
    }
  });
});

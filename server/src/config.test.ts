import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8787, authRateLimitPerMinute: 30, lockoutFailuresPerUser: 5 });
  });

  it.each([
    ['SMARTCLOUDOPS_PORT', 'eighty'],
    ['SMARTCLOUDOPS_PORT', '70000'],
    ['SMARTCLOUDOPS_HOST', 'bad host!'],
    ['SMARTCLOUDOPS_LOG_LEVEL', 'loud'],
    ['SMARTCLOUDOPS_ADMIN_PASSWORD', 'short'],
    ['SMARTCLOUDOPS_BODY_LIMIT', '12'],
    ['SMARTCLOUDOPS_LOCKOUT_FAILURES', '0'],
    ['SMARTCLOUDOPS_AUTH_RATE_LIMIT', '1.5'],
  ])('%s=%s is a ConfigError naming the variable', (name, value) => {
    let caught: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(name);
    expect((caught as ConfigError).message).toContain(name);
  });

  it('`node server/src/main.ts` with a bad SMARTCLOUDOPS_PORT exits non-zero and names the variable', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SMARTCLOUDOPS_PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.status).not.toBeNull();
    expect(result.stderr).toContain('SMARTCLOUDOPS_PORT');
  });
});

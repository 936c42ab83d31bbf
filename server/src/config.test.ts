import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { anomalySettingsFromEnv } from './anomaly/settings.ts';
import { chatopsSettingsFromEnv } from './chatops/settings.ts';
import { alertsSettingsFromEnv } from './alerts/settings.ts';
import { incidentSettingsFromEnv } from './incidents/settings.ts';
import { runbookSettingsFromEnv } from './runbooks/settings.ts';

type Env = Record<string, string | undefined>;
/** Every reader of SMARTCLOUDOPS_* numbers, by the variables it reads. */
const READERS: Array<[string, (env: Env) => unknown]> = [
  ['SMARTCLOUDOPS_PORT', loadConfig],
  ['SMARTCLOUDOPS_COLLECT_INTERVAL', loadConfig],
  ['SMARTCLOUDOPS_BODY_LIMIT', loadConfig],
  ['SMARTCLOUDOPS_SCRAPE_SAMPLE_LIMIT', loadConfig],
  ['SMARTCLOUDOPS_SCRAPE_LABEL_LIMIT', loadConfig],
  ['SMARTCLOUDOPS_SCRAPE_LABEL_NAME_LENGTH_LIMIT', loadConfig],
  ['SMARTCLOUDOPS_SCRAPE_LABEL_VALUE_LENGTH_LIMIT', loadConfig],
  ['SMARTCLOUDOPS_ANOMALY_WORKERS', anomalySettingsFromEnv],
  ['SMARTCLOUDOPS_ANOMALY_FALSE_ALARM_RATE', anomalySettingsFromEnv],
  ['SMARTCLOUDOPS_ANOMALY_RETRAIN_HOURS', anomalySettingsFromEnv],
  ['SMARTCLOUDOPS_CHAT_RATE_LIMIT', chatopsSettingsFromEnv],
  ['SMARTCLOUDOPS_CHAT_CONFIRM_TTL', chatopsSettingsFromEnv],
  ['SMARTCLOUDOPS_ALERT_INGEST_RATE_LIMIT', alertsSettingsFromEnv],
  ['SMARTCLOUDOPS_INCIDENT_GROUP_WINDOW_MINUTES', incidentSettingsFromEnv],
  ['SMARTCLOUDOPS_RUNBOOK_OUTPUT_LIMIT', (env) => runbookSettingsFromEnv(env, '/tmp')],
];

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

  // Number() read these as numbers: `SMARTCLOUDOPS_PORT=0x1F90` started on 8080, `1e3` on 1000,
  // `SMARTCLOUDOPS_ANOMALY_WORKERS=0x10` ran 16 workers, without a word.
  // 1e3 and 64.0 are decimal numbers where a fraction is meant (the anomaly rate and hours).
  const FRACTIONAL = new Set(['SMARTCLOUDOPS_ANOMALY_FALSE_ALARM_RATE', 'SMARTCLOUDOPS_ANOMALY_RETRAIN_HOURS']);
  const notDecimal = (name: string) => ['0x10', '0b11', '0o17', 'Infinity', '12abc', ...(FRACTIONAL.has(name) ? [] : ['1e3', '64.0'])];
  it.each(READERS.flatMap(([name, read]) => notDecimal(name).map((value) => [name, value, read] as const)))(
    '%s=%s (not a decimal number) is a ConfigError naming the variable',
    (name, value, read) => {
      let caught: unknown;
      try {
        read({ [name]: value });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).message).toContain(name);
    },
  );

  it('still reads plain decimal values, spaces around them and a fraction where one is meant', () => {
    expect(loadConfig({ SMARTCLOUDOPS_PORT: ' 8080 ' }).port).toBe(8080);
    expect(anomalySettingsFromEnv({ SMARTCLOUDOPS_ANOMALY_FALSE_ALARM_RATE: '1e-4', SMARTCLOUDOPS_ANOMALY_RETRAIN_HOURS: '0.5', SMARTCLOUDOPS_ANOMALY_WORKERS: '4' })).toMatchObject({ falseAlarmRate: 1e-4, retrainIntervalMs: 1_800_000, workers: 4 });
    expect(chatopsSettingsFromEnv({ SMARTCLOUDOPS_CHAT_RATE_LIMIT: '120' }).messagesPerMinute).toBe(120);
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

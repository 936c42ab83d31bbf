import { ConfigError } from '../config.ts';
import { decimalInteger } from '../config-numbers.ts';
import type { AlertsSettings } from './feature.ts';

type Env = Record<string, string | undefined>;

/** The most `SMARTCLOUDOPS_ALERT_INGEST_RATE_LIMIT` takes: beyond, it would limit nothing. */
const MAX_INGEST_REQUESTS_PER_MINUTE = 1_000_000;

/** Alert settings from `SMARTCLOUDOPS_ALERT_*` variables (unset ones keep the defaults). */
export function alertsSettingsFromEnv(env: Env): Partial<AlertsSettings> {
  const out: Partial<AlertsSettings> = {};
  const rate = env.SMARTCLOUDOPS_ALERT_INGEST_RATE_LIMIT;
  if (rate !== undefined && rate !== '') {
    const perMinute = decimalInteger(rate);
    if (perMinute === null || perMinute < 1 || perMinute > MAX_INGEST_REQUESTS_PER_MINUTE) {
      throw new ConfigError('SMARTCLOUDOPS_ALERT_INGEST_RATE_LIMIT', `must be an integer from 1 to ${MAX_INGEST_REQUESTS_PER_MINUTE} (got "${rate}")`);
    }
    out.ingestRequestsPerMinute = perMinute;
  }
  return out;
}

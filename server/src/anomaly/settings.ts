import { ConfigError } from '../config.ts';
import { decimalInteger, decimalNumber } from '../config-numbers.ts';
import type { AnomalySettings } from './service.ts';

type Env = Record<string, string | undefined>;

function number(env: Env, name: string, min: number, max: number, integer: boolean): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = integer ? decimalInteger(raw) : decimalNumber(raw);
  if (value === null || value < min || value > max) {
    throw new ConfigError(name, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

/**
 * Anomaly settings from `SMARTCLOUDOPS_ANOMALY_*` variables (unset ones keep their
 * defaults); an invalid value stops start-up with a ConfigError naming the variable.
 */
export function anomalySettingsFromEnv(env: Env): Partial<AnomalySettings> {
  const out: Partial<AnomalySettings> = {};
  const workers = number(env, 'SMARTCLOUDOPS_ANOMALY_WORKERS', 1, 64, true);
  const minTrainRows = number(env, 'SMARTCLOUDOPS_ANOMALY_MIN_TRAIN_ROWS', 16, 1_000_000, true);
  const trainWindow = number(env, 'SMARTCLOUDOPS_ANOMALY_TRAIN_WINDOW', 16, 1_000_000, true);
  const retrainHours = number(env, 'SMARTCLOUDOPS_ANOMALY_RETRAIN_HOURS', 0, 24 * 365, false);
  const falseAlarmRate = number(env, 'SMARTCLOUDOPS_ANOMALY_FALSE_ALARM_RATE', 1e-9, 0.1, false);
  if (workers !== undefined) out.workers = workers;
  if (minTrainRows !== undefined) out.minTrainRows = minTrainRows;
  if (trainWindow !== undefined) out.trainWindow = trainWindow;
  if (retrainHours !== undefined) out.retrainIntervalMs = retrainHours * 3_600_000;
  if (falseAlarmRate !== undefined) out.falseAlarmRate = falseAlarmRate;
  return out;
}

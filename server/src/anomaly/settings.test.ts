import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.ts';
import { anomalySettingsFromEnv } from './settings.ts';

describe('anomaly settings from the environment', () => {
  it('reads the variables that are set and leaves the rest to the defaults', () => {
    expect(anomalySettingsFromEnv({})).toEqual({});
    expect(
      anomalySettingsFromEnv({
        SMARTCLOUDOPS_ANOMALY_WORKERS: '3',
        SMARTCLOUDOPS_ANOMALY_MIN_TRAIN_ROWS: '500',
        SMARTCLOUDOPS_ANOMALY_TRAIN_WINDOW: '8064',
        SMARTCLOUDOPS_ANOMALY_RETRAIN_HOURS: '0.5',
        SMARTCLOUDOPS_ANOMALY_FALSE_ALARM_RATE: '1e-4',
      }),
    ).toEqual({ workers: 3, minTrainRows: 500, trainWindow: 8064, retrainIntervalMs: 1_800_000, falseAlarmRate: 1e-4 });
  });

  it('stops on an invalid value, naming the variable', () => {
    expect(() => anomalySettingsFromEnv({ SMARTCLOUDOPS_ANOMALY_WORKERS: 'many' })).toThrow(ConfigError);
    expect(() => anomalySettingsFromEnv({ SMARTCLOUDOPS_ANOMALY_FALSE_ALARM_RATE: '0.9' })).toThrow(/SMARTCLOUDOPS_ANOMALY_FALSE_ALARM_RATE/);
  });
});

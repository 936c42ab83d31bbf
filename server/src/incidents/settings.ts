import { ConfigError } from '../config.ts';
import { decimalInteger } from '../config-numbers.ts';
import type { GroupingPolicy } from './grouping.ts';

type Env = Record<string, string | undefined>;

const LABEL = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `alertname,service|job`: comma-separated entries, each a label or `|`-separated alternatives. */
function groupBy(raw: string): string[] {
  const entries = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new ConfigError('SMARTCLOUDOPS_INCIDENT_GROUP_BY', 'must name at least one label');
  for (const entry of entries) {
    for (const label of entry.split('|')) {
      if (!LABEL.test(label.trim())) throw new ConfigError('SMARTCLOUDOPS_INCIDENT_GROUP_BY', `has an invalid label name "${label}"`);
    }
  }
  return entries.map((entry) => entry.split('|').map((label) => label.trim()).join('|'));
}

function flag(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${env[name]}")`);
}

/**
 * Incident grouping from `SMARTCLOUDOPS_INCIDENT_*` variables (unset ones keep the
 * defaults: group by `alertname,service|job`, a 30 minute window, auto-resolve on).
 */
export function incidentSettingsFromEnv(env: Env): Partial<GroupingPolicy> {
  const out: Partial<GroupingPolicy> = {};
  const by = env.SMARTCLOUDOPS_INCIDENT_GROUP_BY;
  if (by !== undefined && by.trim() !== '') out.groupBy = groupBy(by);
  const window = env.SMARTCLOUDOPS_INCIDENT_GROUP_WINDOW_MINUTES;
  if (window !== undefined && window !== '') {
    const minutes = decimalInteger(window);
    if (minutes === null || minutes < 1 || minutes > 7 * 24 * 60) {
      throw new ConfigError('SMARTCLOUDOPS_INCIDENT_GROUP_WINDOW_MINUTES', `must be an integer from 1 to 10080 (got "${window}")`);
    }
    out.windowMs = minutes * 60_000;
  }
  const autoResolve = flag(env, 'SMARTCLOUDOPS_INCIDENT_AUTO_RESOLVE');
  if (autoResolve !== undefined) out.autoResolve = autoResolve;
  return out;
}

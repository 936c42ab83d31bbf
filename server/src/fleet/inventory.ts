import { FLEET_PAGE_DEFAULT, FLEET_REASONS_MAX, type FleetHealth, type FleetTarget, type TargetHealth, type TargetSource } from '../../../shared/api/fleet.ts';
import type { Labels } from '../../../shared/api/alerts.ts';
import { TARGET_LABELS } from '../metrics/target.ts';
import type { InventoryAlert, InventorySeries, InventoryWatch } from './ports.ts';

export interface InventoryInput {
  now: number;
  /** A target whose newest sample is older than this is silent (unhealthy). */
  staleAfterMs: number;
  series: readonly InventorySeries[];
  watches: readonly InventoryWatch[];
  /** Unresolved alerts, and resolved ones recent enough to keep their targets known. */
  alerts: readonly InventoryAlert[];
}

/** At most FLEET_REASONS_MAX reasons, the last of them saying how many were left out. */
function boundedReasons(reasons: string[]): string[] {
  if (reasons.length <= FLEET_REASONS_MAX) return reasons;
  const shown = reasons.slice(0, FLEET_REASONS_MAX - 1);
  const more = reasons.length - shown.length;
  return [...shown, `and ${more} more reasons`];
}

/**
 * The name labels give a target: `target`, else `host`, else `instance` (the metrics
 * store's rule, server/src/metrics/target.ts), or none. Unlike the store, a series or alert
 * naming no target is not counted as this server: nobody named a host.
 */
function namedTarget(labels: Labels): string | undefined {
  for (const label of TARGET_LABELS) if (labels[label]) return labels[label];
  return undefined;
}

/** `api-1:9100` and `api-1` are one host: Prometheus' `instance` label carries the port. */
export function hostPart(name: string): string {
  const colon = name.lastIndexOf(':');
  if (colon <= 0 || !/^\d+$/.test(name.slice(colon + 1))) return name;
  const host = name.slice(0, colon);
  // `[::1]:9100` → `[::1]`; a bare IPv6 address (`::1`) has no port to drop.
  return host.includes(':') && !host.startsWith('[') ? name : host;
}

function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

interface Entry {
  name: string;
  sources: Set<TargetSource>;
  instances: Set<string>;
  lastSampleAt: number | null;
  /** Something collected from it is fresh and fine (a sample, a running watch). */
  evidence: boolean;
  activeAlerts: number;
  problems: string[];
  unknowns: string[];
}

/** localeCompare's order, without building a collator per comparison (tens of thousands of targets). */
const NAMES = new Intl.Collator();

const HEALTH_ORDER: Record<TargetHealth, number> = { unhealthy: 0, unknown: 1, healthy: 2 };

/**
 * Fleet health from one inventory: each distinct target once, whichever sources name it
 * (series of the metrics store, series of anomaly watches, alerts), by its host name. A
 * target is unhealthy when it is silent, its scrape fails, its watch fails or an alert on
 * it is unresolved; healthy when something collected from it is fresh; unknown otherwise
 * (known only from alerts, or a watch still backfilling). The counts add up to the total,
 * so none is ever negative.
 */
export function buildFleetHealth(input: InventoryInput): FleetHealth {
  const { now, staleAfterMs } = input;
  const entries = new Map<string, Entry>();
  const entryOf = (name: string, source: TargetSource): Entry => {
    const key = hostPart(name);
    let entry = entries.get(key);
    if (!entry) {
      entry = { name: key, sources: new Set(), instances: new Set(), lastSampleAt: null, evidence: false, activeAlerts: 0, problems: [], unknowns: [] };
      entries.set(key, entry);
    }
    entry.sources.add(source);
    entry.instances.add(name);
    return entry;
  };
  const sampled = (entry: Entry, ts: number | null) => {
    if (ts !== null) entry.lastSampleAt = Math.max(entry.lastSampleAt ?? ts, ts);
  };

  // Metrics: a target is as fresh as its newest series; a failed scrape reports `up` 0.
  const failedScrapes = new Map<Entry, Set<string>>();
  for (const series of input.series) {
    const name = namedTarget(series.labels);
    if (!name) continue;
    const entry = entryOf(name, 'metrics');
    sampled(entry, series.latest?.ts ?? null);
    if (series.name === 'up' && series.latest && series.latest.value === 0 && now - series.latest.ts <= staleAfterMs) {
      failedScrapes.set(entry, (failedScrapes.get(entry) ?? new Set()).add(name));
    }
  }
  for (const entry of entries.values()) {
    if (entry.lastSampleAt === null) entry.problems.push('no samples stored for it');
    else if (now - entry.lastSampleAt > staleAfterMs) entry.problems.push(`silent: no samples for ${formatAge(now - entry.lastSampleAt)}`);
    else entry.evidence = true;
  }
  for (const [entry, instances] of failedScrapes) for (const instance of instances) entry.problems.push(`scrape of ${instance} failing (up = 0)`);

  // Anomaly watches on data sources: each series pulled names a target (or the watch does).
  for (const watch of input.watches) {
    const limit = Math.max(staleAfterMs, 3 * watch.stepSeconds * 1000);
    for (const series of watch.series) {
      const entry = entryOf(namedTarget(series.labels) ?? watch.name, 'watch');
      sampled(entry, series.lastTs);
      if (watch.state === 'error') entry.problems.push(`watch "${watch.name}" failing${watch.lastError ? `: ${watch.lastError}` : ''}`);
      else if (watch.state === 'backfilling') entry.unknowns.push(`watch "${watch.name}" still backfilling its history`);
      else if (series.lastTs === null || now - series.lastTs > limit) entry.problems.push(`watch "${watch.name}": no new samples for ${series.lastTs === null ? 'ever' : formatAge(now - series.lastTs)}`);
      else entry.evidence = true;
    }
  }

  // Alerts: an unresolved one makes its target unhealthy; a resolved one keeps it known.
  for (const alert of input.alerts) {
    const name = namedTarget(alert.labels);
    if (!name) continue;
    const entry = entryOf(name, 'alerts');
    if (alert.state === 'resolved') continue;
    entry.activeAlerts += 1;
    const what = `${alert.labels.alertname ?? 'alert'} (${alert.severity})`;
    entry.problems.push(alert.state === 'acknowledged' ? `${what} acknowledged${alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : ''}` : `${what} firing${alert.silenced ? ', silenced' : ''}`);
  }

  const targets: FleetTarget[] = [...entries.values()].map((entry) => {
    const problems = entry.problems;
    const health: TargetHealth = problems.length > 0 ? 'unhealthy' : entry.evidence ? 'healthy' : 'unknown';
    const unknowns = health === 'unknown' ? (entry.unknowns.length > 0 ? entry.unknowns : ['known only from alerts: nothing is collected from it here']) : [];
    return {
      name: entry.name,
      health,
      sources: [...entry.sources].sort(),
      instances: [...entry.instances].sort(),
      lastSampleAt: entry.lastSampleAt,
      activeAlerts: entry.activeAlerts,
      reasons: boundedReasons(health === 'unhealthy' ? [...new Set(problems)] : unknowns),
    };
  });
  // Alerting targets lead the unhealthy ones: the first page is where the overview looks.
  const byName = (a: FleetTarget, b: FleetTarget) => NAMES.compare(a.name, b.name);
  targets.sort((a, b) => HEALTH_ORDER[a.health] - HEALTH_ORDER[b.health] || (a.health === 'unhealthy' ? b.activeAlerts - a.activeAlerts : 0) || byName(a, b));
  const count = (health: TargetHealth) => targets.filter((target) => target.health === health).length;
  return {
    generatedAt: now,
    staleAfterMs,
    total: targets.length,
    healthy: count('healthy'),
    unhealthy: count('unhealthy'),
    unknown: count('unknown'),
    targets,
    offset: 0,
    nextOffset: null,
  };
}

/**
 * One page of the fleet's targets, the counts still the whole fleet's: an `alerts:write`
 * key can name tens of thousands of targets, and every console polls this.
 */
export function fleetPage(fleet: FleetHealth, page: { offset?: number; limit?: number } = {}): FleetHealth {
  const offset = page.offset ?? 0;
  const end = offset + (page.limit ?? FLEET_PAGE_DEFAULT);
  return { ...fleet, targets: fleet.targets.slice(offset, end), offset, nextOffset: end < fleet.targets.length ? end : null };
}

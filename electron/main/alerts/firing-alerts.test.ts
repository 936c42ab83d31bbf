import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/api/alerts.ts';
import { FiringAlerts } from './firing-alerts.ts';

function alert(id: number, overrides: Partial<Alert> = {}): Alert {
  return {
    id, fingerprint: `f${id}`, source: 'rule', state: 'firing', severity: 'critical', labels: { host: `web-${id}` }, annotations: { summary: 'CPU high' },
    startsAt: 1000 * id, endsAt: null, lastSeenAt: 1000 * id, updatedAt: 1000 * id, occurrences: 1, silenced: false, silencedBy: [],
    acknowledgedBy: null, acknowledgedAt: null, ackComment: null, incidentId: null, generatorUrl: null, ...overrides,
  };
}

function watcher() {
  const counts: number[] = [];
  const critical: number[] = [];
  const alerts = new FiringAlerts({ onCount: (count) => counts.push(count), onCritical: (a) => critical.push(a.id) });
  return { alerts, counts, critical };
}

describe('firing alerts', () => {
  it('counts firing, unsilenced alerts from the initial list without notifying', () => {
    const { alerts, counts, critical } = watcher();
    alerts.reset([alert(1), alert(2, { silenced: true }), alert(3, { severity: 'warning' })]);
    expect(counts).toEqual([2]);
    expect(critical).toEqual([]);
  });

  it('notifies once per critical episode and follows acknowledgements and resolutions', () => {
    const { alerts, counts, critical } = watcher();
    alerts.reset([]);
    alerts.apply({ action: 'created', alert: alert(5) });
    alerts.apply({ action: 'updated', alert: alert(5, { occurrences: 2 }) });
    alerts.apply({ action: 'created', alert: alert(6, { severity: 'warning' }) });
    alerts.apply({ action: 'acknowledged', alert: alert(5, { state: 'acknowledged' }) });
    alerts.apply({ action: 'resolved', alert: alert(6, { state: 'resolved' }) });
    alerts.apply({ action: 'refired', alert: alert(5, { startsAt: 99_000 }) });
    alerts.apply({ action: 'created', alert: alert(7, { silenced: true }) });
    expect(critical).toEqual([5, 5]);
    expect(counts).toEqual([0, 1, 2, 1, 0, 1]);
    expect(alerts.count()).toBe(1);
  });
  // A hostile or broken server's alert events reach main unchecked from the live stream
  // (the relay's listener): a throw there escaped the stream's data handler as an uncaught
  // exception of the main process, and the events after it in the chunk were lost.
  it('ignores malformed alert events and list items from a hostile server, without throwing', () => {
    const { alerts, counts, critical } = watcher();
    alerts.reset([alert(1), null, { id: 'x' }, 42] as unknown as Alert[]);
    expect(counts).toEqual([1]);
    for (const data of [null, undefined, {}, 'alert', { action: 'created' }, { action: 'created', alert: null }, { action: 'created', alert: { id: 2 } },
      { action: 'created', alert: { ...alert(3), id: 1e308 } }, { action: 'created', alert: { ...alert(4), labels: null } }, { action: 7, alert: alert(5) }]) {
      expect(() => alerts.apply(data as never)).not.toThrow();
    }
    expect(alerts.count()).toBe(1);
    expect(critical).toEqual([]);
    alerts.apply({ action: 'created', alert: alert(6) });
    expect(critical).toEqual([6]);
  });

  // Main runs for weeks: it remembered every critical episode it had ever announced (and kept
  // each firing alert whole, up to 256 KiB, where only the count is used).
  it('forgets an episode once it resolves, and what a new list no longer names', () => {
    const { alerts, critical } = watcher();
    alerts.reset([]);
    for (let id = 1; id <= 1000; id++) {
      alerts.apply({ action: 'created', alert: alert(id) });
      alerts.apply({ action: 'resolved', alert: alert(id, { state: 'resolved' }) });
    }
    expect(critical).toHaveLength(1000);
    expect(alerts.rememberedEpisodes).toBe(0);
    alerts.apply({ action: 'created', alert: alert(2000) });
    alerts.apply({ action: 'acknowledged', alert: alert(2000, { state: 'acknowledged' }) });
    expect(alerts.rememberedEpisodes).toBe(1);
    alerts.reset([alert(3000)]);
    expect(alerts.rememberedEpisodes).toBe(1);
    // A replay of the listed alert's creation after the list is not news.
    alerts.apply({ action: 'created', alert: alert(3000) });
    expect(critical).toHaveLength(1001);
  });
});

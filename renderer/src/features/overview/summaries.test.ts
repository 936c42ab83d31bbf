import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../../shared/api/alerts.ts';
import type { Series } from '../../../../shared/api/metrics.ts';
import { countBySeverity, featuredSeries, fleetHealth, mostAnomalous } from './summaries.ts';

function alert(overrides: Partial<Alert>): Alert {
  return {
    id: 1, fingerprint: 'f', source: 'anomaly', state: 'firing', severity: 'warning', labels: {}, annotations: {}, startsAt: 0, endsAt: null,
    lastSeenAt: 0, updatedAt: 0, occurrences: 1, silenced: false, silencedBy: [], acknowledgedBy: null, acknowledgedAt: null, ackComment: null,
    incidentId: null, generatorUrl: null, ...overrides,
  };
}

describe('overview summaries', () => {
  it('counts firing alerts by severity', () => {
    const counts = countBySeverity([alert({ severity: 'critical' }), alert({ severity: 'critical' }), alert({ state: 'acknowledged' }), alert({ severity: 'info' })]);
    expect(counts).toEqual({ critical: 2, warning: 0, info: 1 });
  });

  it('tells stale and alerting targets apart', () => {
    const health = fleetHealth(
      [
        { id: 1, name: 'cpu', labels: { host: 'a' }, ts: 1_000_000, value: 1 },
        { id: 2, name: 'cpu', labels: { host: 'b' }, ts: 100, value: 1 },
        { id: 3, name: 'up', labels: {}, ts: 1_000_000, value: 1 },
      ],
      [alert({ labels: { host: 'a' } })],
      1_000_000,
    );
    expect(health).toEqual({ targets: 2, stale: ['b'], alerting: ['a'] });
  });

  it('ranks targets by their highest anomaly score', () => {
    const top = mostAnomalous([
      alert({ labels: { target: 'a' }, annotations: { score: '0.7' } }),
      alert({ labels: { target: 'a' }, annotations: { score: '0.9', explanation: 'cpu 5σ' } }),
      alert({ labels: { target: 'b' }, annotations: { score: '0.8' } }),
    ]);
    expect(top.map((entry) => [entry.target, entry.score])).toEqual([['a', 0.9], ['b', 0.8]]);
    expect(top[0]?.explanation).toBe('cpu 5σ');
  });

  it('features the usual suspects first', () => {
    const names = featuredSeries([
      { id: 1, name: 'zeta', labels: {} },
      { id: 2, name: 'node_memory_bytes', labels: {} },
      { id: 3, name: 'node_cpu_ratio', labels: {} },
    ], 2).map((one) => one.name);
    expect(names).toEqual(['node_cpu_ratio', 'node_memory_bytes']);
  });

  it('shows one series per usual suspect, gauges first, in an order that does not depend on arrival', () => {
    const series: Series[] = [
      { id: 1, name: 'node_cpu_seconds_total', labels: { mode: 'idle', host: 'a' } },
      { id: 2, name: 'node_cpu_seconds_total', labels: { mode: 'user', host: 'a' } },
      { id: 3, name: 'node_cpu_utilisation_ratio', labels: { host: 'a' } },
      { id: 4, name: 'node_memory_utilisation_ratio', labels: { host: 'a' } },
      { id: 5, name: 'node_network_receive_bytes_per_second', labels: { host: 'a', device: 'eth0' } },
    ];
    const picked = featuredSeries(series, 4).map((one) => one.id);
    expect(picked).toEqual([3, 4, 5, 1]);
    const shuffled = [series[4]!, series[1]!, { ...series[0]!, labels: { host: 'a', mode: 'idle' } }, series[3]!, series[2]!];
    expect(featuredSeries(shuffled, 4).map((one) => one.id)).toEqual(picked);
  });
});

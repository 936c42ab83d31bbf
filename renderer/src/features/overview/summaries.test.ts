import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../../shared/api/alerts.ts';
import type { Series } from '../../../../shared/api/metrics.ts';
import { countBySeverity, featuredSeries, mostAnomalous, trainingOverview } from './summaries.ts';
import type { TrainingProgress } from '../../../../shared/api/anomaly.ts';

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

  it('says which targets are still learning and which learned a saturated window', () => {
    const base: TrainingProgress = { target: 'web-1', state: 'learning', samples: 150, required: 288, window: 4032, sampleIntervalMs: 10_000, readyAt: 1_000, activeModelId: null, activeModelVersion: null, trainedRows: null, extremeWindow: [] };
    const hot = { metric: 'node_cpu_utilisation_ratio', limit: 0.95, share: 1, text: 'node_cpu_utilisation_ratio at or above 95% for 100% of the window' };
    const overview = trainingOverview(
      [base, { ...base, target: 'db-1', state: 'ready', readyAt: null, activeModelId: 3, extremeWindow: [hot] }, { ...base, target: 'calm-1', state: 'ready', readyAt: null }],
      () => '04:48',
    );
    expect(overview.learning).toEqual([{ target: 'web-1', text: 'learning 150/288 samples, ready at ~04:48' }]);
    expect(overview.flagged).toEqual([{ target: 'db-1', text: `model learned a saturated window (${hot.text}): saturation may look normal to it` }]);
    expect(overview.ready).toBe(1);
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

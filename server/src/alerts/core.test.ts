import { describe, expect, it } from 'vitest';
import { fingerprint } from './fingerprint.ts';
import { searchTextOf } from './store.ts';
import { compileMatchers, MatcherError } from './matchers.ts';
import { groupKeyOf, incidentTitleFor, DEFAULT_GROUPING } from '../incidents/grouping.ts';
import { anomalySeverity, anomalyToEvent } from './sources/anomaly.ts';
import { mapAlertmanagerPayload } from './sources/alertmanager.ts';
import { retryDelay } from '../notifications/backoff.ts';
import { selectorOf } from '../incidents/selectors.ts';

describe('fingerprint', () => {
  it('depends on the labels, not their order', () => {
    expect(fingerprint({ a: '1', b: '2' })).toBe(fingerprint({ b: '2', a: '1' }));
    expect(fingerprint({ a: '1', b: '2' })).not.toBe(fingerprint({ a: '1', b: '3' }));
    // Boundaries between names and values matter.
    expect(fingerprint({ a: 'bc' })).not.toBe(fingerprint({ ab: 'c' }));
    expect(fingerprint({})).toMatch(/^[0-9a-f]{16}$/);
  });

  it('stays what stored alerts were fingerprinted with (computed by the earlier, per-label Hash code)', () => {
    expect(fingerprint({ instance: 'web-1:9100', alertname: 'HighLoad', zone: 'zürich ✓' })).toBe('91e325248547d18d');
  });
});

describe('searchTextOf', () => {
  // What the alert list's text search matched before the loop: entries mapped and joined.
  const earlier = (labels: Record<string, string>, annotations: Record<string, string>) =>
    [...Object.entries(labels), ...Object.entries(annotations)].map(([k, v]) => `${k}=${v}`).join('\n').toLowerCase();

  it('is the text the entries mapped and joined gave, for every shape of labels and annotations', () => {
    const cases: Array<[Record<string, string>, Record<string, string>]> = [
      [{}, {}],
      [{ alertname: 'HighCpu' }, {}],
      [{}, { summary: 'Disk FULL' }],
      [{ alertname: 'HighCpu', Instance: 'Web-1:9100', '10': 'numeric name first', zone: 'Zürich ✓' }, { summary: 'CPU > 90%', description: 'line\nbreak', empty: '' }],
    ];
    for (const [labels, annotations] of cases) expect(searchTextOf(labels, annotations)).toBe(earlier(labels, annotations));
    expect(searchTextOf({ alertname: 'HighCpu', instance: 'Web-1' }, { summary: 'Hot' })).toBe('alertname=highcpu\ninstance=web-1\nsummary=hot');
  });
});

describe('silence matchers', () => {
  const labels = { alertname: 'HighCpu', target: 'web-12', env: 'prod' };
  it('supports =, !=, =~ and !~, anchored, all required', () => {
    expect(compileMatchers([{ name: 'env', op: '=', value: 'prod' }])(labels)).toBe(true);
    expect(compileMatchers([{ name: 'env', op: '!=', value: 'prod' }])(labels)).toBe(false);
    expect(compileMatchers([{ name: 'target', op: '=~', value: 'web-\\d+' }])(labels)).toBe(true);
    expect(compileMatchers([{ name: 'target', op: '=~', value: 'web' }])(labels)).toBe(false);
    expect(compileMatchers([{ name: 'target', op: '!~', value: 'db-.*' }])(labels)).toBe(true);
    expect(compileMatchers([{ name: 'env', op: '=', value: 'prod' }, { name: 'alertname', op: '=', value: 'Other' }])(labels)).toBe(false);
  });
  it('reads a missing label as empty', () => {
    expect(compileMatchers([{ name: 'team', op: '=', value: '' }])(labels)).toBe(true);
    expect(compileMatchers([{ name: 'team', op: '!=', value: 'web' }])(labels)).toBe(true);
  });
  it('rejects a broken regex', () => {
    expect(() => compileMatchers([{ name: 'a', op: '=~', value: '(' }])).toThrow(MatcherError);
  });
});

describe('grouping', () => {
  it('groups on alertname and service or job by default, like an Alertmanager group_by', () => {
    expect(groupKeyOf({ alertname: 'X', instance: 'i-1', service: 'api', job: 'node' }, DEFAULT_GROUPING)).toBe('alertname=X,service=api');
    expect(groupKeyOf({ alertname: 'X', instance: 'i-1', job: 'node' }, DEFAULT_GROUPING)).toBe('alertname=X,job=node');
    expect(groupKeyOf({ alertname: 'X', instance: 'i-1' }, DEFAULT_GROUPING)).toBe('alertname=X');
    expect(groupKeyOf({ target: 'web-1' }, DEFAULT_GROUPING)).toBe('alertname=unnamed');
    expect(groupKeyOf({ alertname: 'X', target: 'web-1' }, { groupBy: ['target'] })).toBe('target=web-1');
    expect(incidentTitleFor({ alertname: 'HighCpu' }, { summary: 'hot' }, 'target=web-1')).toBe('HighCpu on web-1: hot');
    expect(incidentTitleFor({ alertname: 'HighCpu' }, {}, 'alertname=HighCpu,service=api')).toBe('HighCpu on api');
  });
  it("keeps Alertmanager's group for its alerts", () => {
    const labels = { alertname: 'X', instance: 'i-1', service: 'api' };
    expect(groupKeyOf(labels, DEFAULT_GROUPING, { key: '{}:{cluster="eu"}', labels: { cluster: 'eu' } })).toBe('alertmanager:cluster=eu');
    expect(groupKeyOf(labels, DEFAULT_GROUPING, { key: '{}:{}', labels: {} })).toBe('alertmanager:{}:{}');
    expect(incidentTitleFor(labels, {}, 'alertmanager:cluster=eu')).toBe('X on eu');
    expect(incidentTitleFor(labels, {}, 'alertmanager:{}:{}')).toBe('X');
  });
});

describe('anomaly source', () => {
  it('scales severity with how far the score is past the threshold', () => {
    expect(anomalySeverity(0.65, 0.6)).toBe('info');
    expect(anomalySeverity(0.8, 0.6)).toBe('warning');
    expect(anomalySeverity(0.95, 0.6)).toBe('critical');
    const event = anomalyToEvent({ target: 'api-1', ts: 1000, score: 0.9, threshold: 0.6, explanation: 'latency 4σ', features: [{ name: 'latency', value: 1, zScore: 4 }] }, 60_000);
    expect(event).toMatchObject({ source: 'anomaly', labels: { target: 'api-1' }, annotations: { explanation: 'latency 4σ' }, endsAt: 61_000 });
  });

  it("names the metric the anomaly is about, not the feature furthest from its median (a flat metric's breakout named 'time of day (cos)')", () => {
    const features = [{ name: 'time of day (cos)', value: -0.9, zScore: 1.6 }, { name: 'x', value: 105, zScore: 0.4 }];
    const about = anomalyToEvent({ target: 'q-1', ts: 1000, score: 1, threshold: 0.5, explanation: 'x 105, above anything in its training window (highest 100)', features, metric: 'x' }, 60_000);
    expect(about.annotations?.summary).toBe('Anomalous behaviour on q-1 (x)');
    // Events without one (from earlier versions, other producers) name the furthest feature as before.
    expect(anomalyToEvent({ target: 'q-1', ts: 1000, score: 1, threshold: 0.5, explanation: '', features }, 60_000).annotations?.summary).toBe('Anomalous behaviour on q-1 (time of day (cos))');
  });
});

describe('Alertmanager mapping', () => {
  it('maps valid alerts and reports invalid ones by index', () => {
    const batch = mapAlertmanagerPayload([
      { status: 'firing', labels: { alertname: 'A' }, startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T00:05:00Z' },
      { status: 'resolved', labels: { alertname: 'A' }, startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T01:00:00Z' },
      { status: 'firing', labels: { alertname: 7 }, startsAt: 'yesterday' },
      'not an object',
    ]);
    expect(batch.indexes).toEqual([0, 1]);
    expect(batch.events[0]).not.toHaveProperty('endsAt');
    expect(batch.events[1]).toMatchObject({ status: 'resolved', endsAt: Date.parse('2026-01-01T01:00:00Z') });
    expect(batch.rejected.map((r) => r.index)).toEqual([2, 3]);
    expect(batch.rejected[0]!.errors.join(' ')).toMatch(/labels|startsAt/);
  });
});

describe('webhook backoff', () => {
  it('doubles up to the cap, with bounded jitter', () => {
    const policy = { baseDelayMs: 1000, maxDelayMs: 5000, maxAttempts: 5 };
    expect(retryDelay(1, policy, () => 0.5)).toBe(1000);
    expect(retryDelay(2, policy, () => 0.5)).toBe(2000);
    expect(retryDelay(10, policy, () => 0.5)).toBe(5000);
    expect(retryDelay(1, policy, () => 0)).toBe(800);
    expect(retryDelay(1, policy, () => 0.9999)).toBeLessThanOrEqual(1200);
  });
});

describe('metrics selector of an alert', () => {
  it('keeps series labels and escapes values', () => {
    expect(selectorOf({ alertname: 'HighCpu', severity: 'critical', __name__: 'cpu', host: 'web-"1"' })).toBe('cpu{host="web-\\"1\\""}');
    expect(selectorOf({ alertname: 'Anomaly', target: 'api-1', source: 'anomaly' })).toBe('{target="api-1"}');
  });
});

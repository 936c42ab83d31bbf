import { describe, expect, it } from 'vitest';
import { buildFleetHealth, fleetPage, hostPart } from './inventory.ts';
import type { InventoryAlert } from './ports.ts';

const NOW = 10_000_000;
const STALE = 5 * 60_000;
const alert = (labels: Record<string, string>, state: InventoryAlert['state'] = 'firing'): InventoryAlert => ({ state, severity: 'warning', labels, silenced: false, acknowledgedBy: null });

describe('the fleet inventory', () => {
  it('drops the port of an instance, not the colons of an IPv6 address', () => {
    expect(hostPart('api-1:9100')).toBe('api-1');
    expect(hostPart('api-1')).toBe('api-1');
    expect(hostPart('[::1]:9100')).toBe('[::1]');
    expect(hostPart('fe80::1')).toBe('fe80::1');
    expect(hostPart('db:primary')).toBe('db:primary');
  });

  it('counts watch series by the target they name, or by the watch, with the watch state as their health', () => {
    const fleet = buildFleetHealth({
      now: NOW,
      staleAfterMs: STALE,
      series: [],
      alerts: [],
      watches: [
        { name: 'node-cpu', state: 'running', stepSeconds: 60, lastError: null, series: [{ labels: { instance: 'n-1:9100' }, lastTs: NOW - 60_000 }, { labels: { instance: 'n-2:9100' }, lastTs: NOW - 30 * 60_000 }] },
        { name: 'checkout_rps', state: 'running', stepSeconds: 60, lastError: null, series: [{ labels: {}, lastTs: NOW }] },
        { name: 'broken', state: 'error', stepSeconds: 60, lastError: 'HTTP 502 from upstream', series: [{ labels: { host: 'n-3' }, lastTs: NOW }] },
        { name: 'fresh', state: 'backfilling', stepSeconds: 60, lastError: null, series: [{ labels: { host: 'n-4' }, lastTs: null }] },
      ],
    });
    expect(fleet).toMatchObject({ total: 5, healthy: 2, unhealthy: 2, unknown: 1 });
    const by = Object.fromEntries(fleet.targets.map((one) => [one.name, one]));
    expect(by['n-1']).toMatchObject({ health: 'healthy', sources: ['watch'], instances: ['n-1:9100'] });
    expect(by['checkout_rps']).toMatchObject({ health: 'healthy' });
    expect(by['n-2']).toMatchObject({ health: 'unhealthy', reasons: ['watch "node-cpu": no new samples for 30 min'] });
    expect(by['n-3']).toMatchObject({ health: 'unhealthy', reasons: ['watch "broken" failing: HTTP 502 from upstream'] });
    expect(by['n-4']).toMatchObject({ health: 'unknown', reasons: ['watch "fresh" still backfilling its history'] });
  });

  it('never counts a target twice, whichever sources name it and however often', () => {
    const fleet = buildFleetHealth({
      now: NOW,
      staleAfterMs: STALE,
      series: [
        { name: 'node_load1', labels: { host: 'web-1' }, latest: { ts: NOW, value: 1 } },
        { name: 'up', labels: { instance: 'web-1:9100' }, latest: { ts: NOW, value: 1 } },
      ],
      watches: [{ name: 'w', state: 'running', stepSeconds: 15, lastError: null, series: [{ labels: { instance: 'web-1:9100' }, lastTs: NOW }] }],
      alerts: [alert({ instance: 'web-1:9100' }), alert({ host: 'web-1' }, 'acknowledged'), alert({ target: 'web-1' }, 'resolved'), alert({ service: 'no-target' })],
    });
    expect(fleet).toMatchObject({ total: 1, healthy: 0, unhealthy: 1, unknown: 0 });
    expect(fleet.targets[0]).toMatchObject({ name: 'web-1', sources: ['alerts', 'metrics', 'watch'], instances: ['web-1', 'web-1:9100'], activeAlerts: 2 });
    expect(fleet.targets[0]!.reasons).toEqual(['alert (warning) firing', 'alert (warning) acknowledged']);
  });

  // An `alerts:write` key can name 20,000 targets: the answer was 3.3 MB, every poll.
  it('answers one page of the targets, the counts always the whole fleet\'s, and bounds each target\'s reasons', () => {
    const alerts = [
      ...Array.from({ length: 450 }, (_, i) => alert({ instance: `ext-${String(i).padStart(3, '0')}:9100` })),
      // Three alerts on one host: it leads the unhealthy ones, whatever its name.
      ...['A', 'B', 'C'].map((alertname) => alert({ alertname, host: 'zz-busy' })),
      // Forty distinct alerts on one host: ten reasons, the last counting the rest.
      ...Array.from({ length: 40 }, (_, i) => alert({ alertname: `Rule${i}`, host: 'zz-noisy' })),
      ...Array.from({ length: 30 }, (_, i) => alert({ host: `gone-${i}` }, 'resolved')),
    ];
    const whole = buildFleetHealth({ now: NOW, staleAfterMs: STALE, series: [], watches: [], alerts });
    const build = (page?: { offset?: number; limit?: number }) => fleetPage(whole, page);
    const first = build();
    expect(first).toMatchObject({ total: 482, unhealthy: 452, unknown: 30, healthy: 0, offset: 0, nextOffset: 200 });
    expect(first.targets).toHaveLength(200);
    expect(first.targets.slice(0, 2).map((one) => one.name)).toEqual(['zz-noisy', 'zz-busy']);
    const noisy = first.targets[0]!;
    expect(noisy.activeAlerts).toBe(40);
    expect(noisy.reasons).toHaveLength(10);
    expect(noisy.reasons.at(-1)).toBe('and 31 more reasons');

    const names: string[] = [];
    for (let offset: number | null = 0; offset !== null; ) {
      const page = build({ offset, limit: 150 });
      expect(page.offset).toBe(offset);
      names.push(...page.targets.map((one) => one.name));
      offset = page.nextOffset;
    }
    expect(names).toHaveLength(482);
    expect(new Set(names).size).toBe(482);
    expect(build({ offset: 482 })).toMatchObject({ targets: [], nextOffset: null, total: 482 });
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { ApiClient } from '../../../../shared/api/client.ts';
import type { IncidentBundle } from '../../../../shared/api/incidents.ts';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import type { PinnedSeries } from '../../../../shared/ipc/channels/cache.ts';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import type { Platform } from '../../platform/types.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { CapsuleIncidentView } from './CapsuleIncidentView.tsx';
import { CapsulesView } from './CapsulesView.tsx';

const T0 = 1_700_000_000_000;
const MIN = 60_000;
const LATENCY = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))';

const incident = { id: 3, title: 'Disk full on db-1', severity: 'critical', status: 'resolved', commander: null, groupKey: 'host=db-1', openedAt: T0, lastActivityAt: T0 + 10 * MIN, mitigatedAt: null, resolvedAt: T0 + 20 * MIN, mergedInto: null, alertCount: 1, firingCount: 0, updatedAt: T0 + 20 * MIN };
const alert = { id: 9, fingerprint: 'f', source: 'rule', state: 'resolved', severity: 'critical', labels: { alertname: 'DiskFull', host: 'db-1' }, annotations: { summary: 'Disk full on db-1' }, startsAt: T0, endsAt: T0 + 20 * MIN, lastSeenAt: T0, updatedAt: T0, occurrences: 1, silenced: false, silencedBy: [], acknowledgedBy: null, acknowledgedAt: null, ackComment: null, incidentId: 3, generatorUrl: null };
const bundle = {
  version: 1,
  exportedAt: T0 + 30 * MIN,
  incident,
  alerts: [alert],
  alertHistory: [],
  timeline: [{ id: 2, incidentId: 3, ts: T0 + 10 * MIN, kind: 'note', actor: 'bob', actorKind: 'user', alertId: null, text: 'Purging **old logs**', data: {}, editedAt: null, deletedAt: null, deletedBy: null, revisionCount: 0 }],
  noteRevisions: [],
  silences: [],
  metricsWindow: { from: T0 - 10 * MIN, to: T0 + 20 * MIN, selectors: ['{host="db-1"}'] },
  sourceQueries: [{ id: 5, incidentId: 3, datasourceId: 2, query: LATENCY, title: 'p99 latency', createdBy: 'bob', createdAt: T0 }],
} as unknown as IncidentBundle;

const ts = Array.from({ length: 31 }, (_, i) => T0 - 10 * MIN + i * MIN);
const pinned: PinnedSeries = { incidentId: 3, fromTs: T0 - 10 * MIN, toTs: T0 + 20 * MIN, series: [{ seriesId: 1, name: 'disk_used_ratio', labels: { host: 'db-1' }, ts, values: ts.map((_, i) => 0.5 + i / 100), scores: ts.map(() => 0.1) }] };
/** Prometheus's answer as the capsule carried it: two series, values as strings ("NaN" too). */
const promAnswer = {
  status: 'success',
  data: { resultType: 'matrix', result: ['/a', '/b'].map((route) => ({ metric: { route }, values: ts.map((t, i): [number, string] => [t / 1000, i === 4 ? 'NaN' : String(0.2 + i / 100)]) })) },
};

/** What main answers from the capsules cache; the profile's cache (no origin) holds none of it. */
function bridgeWithCapsule(calls: string[]): SmartCloudOpsBridge {
  const fromCapsule = <T,>(name: string, value: (request: never) => T) => async (request: { origin?: string }) => {
    calls.push(`${name}:${request.origin ?? 'profile'}`);
    const data = request.origin === 'capsules' ? value(request as never) : undefined;
    // As main answers a read the cache cannot: unreachable, and not kept.
    if (data === undefined) return { ok: false, error: { code: 'E_NETWORK', message: 'The server cannot be reached and this is not in the local cache.', details: { offline: true } } };
    return { ok: true, value: { data, source: 'cache', freshAsOf: T0 + 30 * MIN } };
  };
  return {
    cache: {
      incidents: fromCapsule('incidents', () => ({ items: [incident], total: 1, limit: 200, offset: 0 })),
      incidentBundle: fromCapsule('incidentBundle', ({ id }: { id: number }) => (id === 3 ? bundle : undefined)),
      queryRange: fromCapsule('queryRange', ({ query }: { query: { match: string } }) => ({ series: query.match === '{host="db-1"}' ? [{ id: 1, name: 'disk_used_ratio', labels: { host: 'db-1' }, resolution: 'raw', timestamps: ts, values: pinned.series[0]!.values }] : [] })),
      alerts: fromCapsule('alerts', () => ({ items: [], total: 0, limit: 500, offset: 0 })),
      sourceRange: fromCapsule('sourceRange', ({ id, query }: { id: number; query: { query: string } }) => (id === 2 && query.query === LATENCY ? promAnswer : undefined)),
      pinnedSeries: async (request: { origin?: string }) => {
        calls.push(`pinnedSeries:${request.origin ?? 'profile'}`);
        return request.origin === 'capsules' ? { ok: true, value: pinned } : { ok: false, error: { code: 'E_NOT_FOUND', message: 'not kept' } };
      },
      importCapsule: async () => ({ ok: true, value: { incidentId: 3, title: incident.title, createdAt: T0 + 30 * MIN, series: 1, samples: 31, sourceRanges: 1 } }),
    },
  } as unknown as SmartCloudOpsBridge;
}

/** The desktop window with its server gone: any call to it fails the test. */
function desktop(calls: string[]): { platform: Platform; server: ReturnType<typeof vi.fn> } {
  const server = vi.fn(() => Promise.reject(new Error('the server must not be asked about a capsule')));
  const api = new Proxy({}, { get: () => new Proxy({}, { get: () => server }) }) as ApiClient;
  return { platform: { kind: 'desktop', api, bridge: bridgeWithCapsule(calls) } as unknown as Platform, server };
}

/** jsdom lays nothing out: report a width, so the charts draw as in the window. */
const realResizeObserver = globalThis.ResizeObserver;
beforeAll(() => {
  globalThis.ResizeObserver = class {
    readonly #callback: ResizeObserverCallback;
    constructor(callback: ResizeObserverCallback) {
      this.#callback = callback;
    }
    observe(target: Element): void {
      const box = [{ inlineSize: 600, blockSize: 200 }];
      this.#callback([{ target, borderBoxSize: box, contentBoxSize: box, contentRect: { x: 0, y: 0, top: 0, left: 0, bottom: 200, right: 600, width: 600, height: 200 } } as unknown as ResizeObserverEntry], this as unknown as ResizeObserver);
    }
    unobserve(): void {}
    disconnect(): void {}
  } as unknown as typeof ResizeObserver;
});
afterAll(() => {
  globalThis.ResizeObserver = realResizeObserver;
});

describe('imported capsules (desktop, no server)', () => {
  // A generous ceiling: on a loaded 2-core machine a jsdom render of the whole view takes seconds.
  it('opens the imported incident with its metrics and source-query charts read from the capsule', { timeout: 60_000 }, async () => {
    const calls: string[] = [];
    const { platform, server } = desktop(calls);
    renderWithProviders(<PlatformProvider platform={platform}><CapsuleIncidentView params={{ id: '3' }} /></PlatformProvider>);

    expect(await screen.findByText(/From an imported capsule/, {}, { timeout: 30_000 })).toBeTruthy();
    expect(screen.getByRole('heading', { name: '#3 Disk full on db-1' })).toBeTruthy();
    // The embedded store's series, charted from the capsule's samples.
    const metrics = await screen.findByRole('img', { name: 'Metrics around incident 3: {host="db-1"}: 1 series' }, { timeout: 30_000 });
    expect(metrics.getAttribute('data-points')).toBe('31');
    // The data-source query, charted from Prometheus's answer the capsule carried ("NaN" left out of the line).
    const source = await screen.findByRole('img', { name: 'Chart of p99 latency: 2 series' }, { timeout: 30_000 });
    expect(source.getAttribute('data-points')).toBe('60');
    expect(screen.getByText(`source 2: ${LATENCY}`)).toBeTruthy();
    // Read-only: no way to remove a query from an incident that is not on any server here.
    expect(screen.queryByRole('button', { name: /Remove source query/ })).toBeNull();
    // Local scores and the timeline, from the capsule too.
    expect(await screen.findByRole('table', { name: 'Local anomaly scores' }, { timeout: 30_000 })).toBeTruthy();
    expect(screen.getByText('old logs').tagName).toBe('STRONG');

    expect(server).not.toHaveBeenCalled();
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(calls.filter((call) => !call.endsWith(':capsules'))).toEqual([]);
    expect(new Set(calls.map((call) => call.split(':')[0]))).toEqual(new Set(['incidentBundle', 'queryRange', 'alerts', 'sourceRange', 'pinnedSeries']));
  });

  it('says so when no imported capsule holds the incident', { timeout: 60_000 }, async () => {
    const { platform } = desktop([]);
    renderWithProviders(<PlatformProvider platform={platform}><CapsuleIncidentView params={{ id: '4' }} /></PlatformProvider>);
    expect(await screen.findByText('Not in an imported capsule', {}, { timeout: 30_000 })).toBeTruthy();
    expect(screen.getByText(/No capsule opened on this machine holds incident #4/)).toBeTruthy();
  });

  it('lists the imported incidents, and an import opens the incident it brought', { timeout: 60_000 }, async () => {
    const calls: string[] = [];
    const { platform, server } = desktop(calls);
    window.location.hash = '#/capsules';
    renderWithProviders(<PlatformProvider platform={platform}><CapsulesView /></PlatformProvider>);
    const link = await screen.findByRole('link', { name: '#3 Disk full on db-1' }, { timeout: 30_000 });
    expect(link.getAttribute('href')).toBe('#/capsules/3');
    expect(calls).toEqual(['incidents:capsules']);

    fireEvent.click(screen.getByRole('button', { name: 'Import capsule' }));
    await waitFor(() => expect(window.location.hash).toBe('#/capsules/3'), { timeout: 30_000 });
    expect(server).not.toHaveBeenCalled();
  });
});

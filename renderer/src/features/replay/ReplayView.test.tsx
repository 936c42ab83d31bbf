import { describe, expect, it } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import type { ApiClient } from '../../../../shared/api/client.ts';
import type { IncidentBundle } from '../../../../shared/api/incidents.ts';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import type { PinnedSeries } from '../../../../shared/ipc/channels/cache.ts';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import type { Platform } from '../../platform/types.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { summariseScores } from '../incidents/LocalScores.tsx';
import { ReplayView } from './ReplayView.tsx';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

const bundle = {
  version: 1,
  exportedAt: T0 + 30 * MIN,
  incident: { id: 3, title: 'Disk full on db-1', severity: 'critical', status: 'open', commander: null, groupKey: 'host=db-1', openedAt: T0, lastActivityAt: T0 + 10 * MIN, mitigatedAt: null, resolvedAt: null, mergedInto: null, alertCount: 1, firingCount: 0, updatedAt: T0 + 10 * MIN },
  alerts: [{ id: 9, fingerprint: 'f', source: 'rule', state: 'acknowledged', severity: 'critical', labels: { alertname: 'DiskFull', host: 'db-1' }, annotations: { summary: 'Disk full on db-1' }, startsAt: T0, endsAt: null, lastSeenAt: T0, updatedAt: T0, occurrences: 1, silenced: false, silencedBy: [], acknowledgedBy: 'bob', acknowledgedAt: T0 + 10 * MIN, ackComment: 'on it', incidentId: 3, generatorUrl: null }],
  alertHistory: [
    { id: 1, alertId: 9, ts: T0, fromState: null, toState: 'firing', actor: 'system', actorKind: 'system', comment: null },
    { id: 2, alertId: 9, ts: T0 + 10 * MIN, fromState: 'firing', toState: 'acknowledged', actor: 'bob', actorKind: 'user', comment: 'on it' },
  ],
  timeline: [
    { id: 1, incidentId: 3, ts: T0, kind: 'incident_opened', actor: 'system', actorKind: 'system', alertId: 9, text: 'Incident opened by DiskFull', data: {}, editedAt: null, deletedAt: null, deletedBy: null, revisionCount: 0 },
    { id: 2, incidentId: 3, ts: T0 + 10 * MIN, kind: 'note', actor: 'bob', actorKind: 'user', alertId: null, text: 'Purging **old logs**', data: {}, editedAt: null, deletedAt: null, deletedBy: null, revisionCount: 0 },
  ],
  noteRevisions: [],
  silences: [],
  metricsWindow: { from: T0 - 10 * MIN, to: T0 + 20 * MIN, selectors: ['{host="db-1"}'] },
} as unknown as IncidentBundle;

const ts = Array.from({ length: 31 }, (_, i) => T0 - 10 * MIN + i * MIN);
const pinned: PinnedSeries = {
  incidentId: 3, fromTs: T0 - 10 * MIN, toTs: T0 + 20 * MIN,
  series: [{ seriesId: 1, name: 'disk_used_ratio', labels: { host: 'db-1' }, ts, values: ts.map((_, i) => 0.5 + i / 100), scores: ts.map((_, i) => (i === 20 ? 0.93 : i < 5 ? null : 0.1)) }],
};

/** The desktop window without Electron: the bridge answers from the fixture, as main would from its cache. */
function desktop(): Platform {
  const api = { incidents: { export: async () => bundle }, metrics: { range: async () => { throw new Error('the pinned copy must be used'); } } } as unknown as ApiClient;
  const bridge = { cache: { pinnedSeries: async ({ incidentId }: { incidentId: number }) => (incidentId === 3 ? { ok: true, value: pinned } : { ok: false, error: { code: 'E_NOT_FOUND', message: 'not kept' } }) } } as unknown as SmartCloudOpsBridge;
  return { kind: 'desktop', api, bridge } as unknown as Platform;
}

describe('ReplayView (desktop, pinned copy)', () => {
  // A generous ceiling: on a loaded 2-core machine a jsdom render of the whole view takes seconds.
  it('replays alert states, the timeline and metrics with local scores as the scrubber moves', { timeout: 60_000 }, async () => {
    renderWithProviders(<PlatformProvider platform={desktop()}><ReplayView params={{ id: '3' }} /></PlatformProvider>);
    expect(await screen.findByText(/From the copy kept offline on this machine/, {}, { timeout: 30_000 })).toBeTruthy();
    // At the opening: firing, no note yet; the sample at T0 is the 11th of the window.
    expect(screen.getByTestId('replay-counts').textContent).toMatch(/^1 firing · 0 acknowledged/);
    expect(screen.getByTestId('replay-value').textContent).toMatch(/^0\.60?$/);
    expect(screen.getByTestId('replay-sparkline').getAttribute('data-visible')).toBe('11');
    expect(screen.queryByText('old logs')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Next event' }));
    expect(Number(screen.getByTestId('replay-instant').getAttribute('data-at'))).toBe(T0 + 10 * MIN);
    expect(screen.getByTestId('replay-counts').textContent).toMatch(/^0 firing · 1 acknowledged/);
    expect(within(screen.getByRole('list', { name: 'Alerts at this instant' })).getByText(/by bob/)).toBeTruthy();
    expect(screen.getByText('old logs').tagName).toBe('STRONG');
    expect(screen.getByTestId('replay-score').textContent).toBe('score 0.93');

    fireEvent.click(screen.getByRole('button', { name: 'Previous event' }));
    expect(Number(screen.getByTestId('replay-instant').getAttribute('data-at'))).toBe(T0);
  });
});

describe('summariseScores', () => {
  it('peak, when, and how many scored samples look anomalous', () => {
    expect(summariseScores(pinned)).toEqual([{ key: 'disk_used_ratio{host="db-1"}', scored: 26, samples: 31, anomalous: 1, max: 0.93, maxAt: T0 + 10 * MIN }]);
  });
});

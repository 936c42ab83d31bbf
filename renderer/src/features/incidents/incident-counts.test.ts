import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../../shared/api/incidents.ts';
import { incidentCounts } from './incident-counts.ts';

const incident = (overrides: Partial<Incident>): Incident => ({
  id: 1, title: 't', severity: 'critical', status: 'open', commander: null, groupKey: 'alertname=X', openedAt: 0, lastActivityAt: 0, mitigatedAt: null, resolvedAt: null,
  mergedInto: null, alertCount: 1, firingCount: 1, acknowledgedCount: 0, updatedAt: 0, ...overrides,
});

describe('incident counts', () => {
  it('counts firing, acknowledged and resolved alerts apart', () => {
    expect(incidentCounts(incident({ alertCount: 4, firingCount: 1, acknowledgedCount: 1 }))).toEqual({ text: '1 firing, 1 acknowledged, 2 resolved of 4 alerts', note: null });
  });
  it('explains an open incident whose alerts have all resolved', () => {
    const { text, note } = incidentCounts(incident({ firingCount: 0 }));
    expect(text).toBe('0 firing, 1 resolved of 1 alert');
    expect(note).toMatch(/All its alerts have resolved, but the incident is still open/);
  });
  it('says when only acknowledged alerts remain, and when an incident was merged', () => {
    expect(incidentCounts(incident({ firingCount: 0, acknowledgedCount: 1 })).note).toMatch(/acknowledged and still unresolved/);
    expect(incidentCounts(incident({ status: 'resolved', mergedInto: 7, alertCount: 0, firingCount: 0 })).note).toBe('Merged into incident #7; its alerts moved there.');
    // Bundles exported before acknowledgedCount existed.
    expect(incidentCounts(incident({ acknowledgedCount: undefined })).text).toBe('1 firing, 0 resolved of 1 alert');
  });
});

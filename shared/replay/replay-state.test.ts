import { describe, expect, it } from 'vitest';
import type { Alert, AlertHistoryEntry } from '../api/alerts.ts';
import type { IncidentBundle, NoteRevision, TimelineEntry } from '../api/incidents.ts';
import { lastAtOrBefore, replayMarks, replayState, replayWindow, type ReplayInput } from './replay-state.ts';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

function alert(id: number, overrides: Partial<Alert> = {}): Alert {
  return {
    id, fingerprint: `f${id}`, source: 'alertmanager', state: 'resolved', severity: 'critical', labels: { alertname: `A${id}`, host: 'web-1' }, annotations: {},
    startsAt: T0, endsAt: null, lastSeenAt: T0, updatedAt: T0, occurrences: 1, silenced: false, silencedBy: [], acknowledgedBy: null, acknowledgedAt: null,
    ackComment: null, incidentId: 1, generatorUrl: null, ...overrides,
  } as Alert;
}

let nextId = 1;
function history(alertId: number, ts: number, fromState: AlertHistoryEntry['fromState'], toState: AlertHistoryEntry['toState'], actor = 'system'): AlertHistoryEntry {
  return { id: nextId++, alertId, ts, fromState, toState, actor, actorKind: actor === 'system' ? 'system' : 'user', comment: null };
}

function entry(id: number, ts: number, kind: TimelineEntry['kind'], text: string, data: Record<string, unknown> = {}, overrides: Partial<TimelineEntry> = {}): TimelineEntry {
  return { id, incidentId: 1, ts, kind, actor: 'alice', actorKind: 'user', alertId: null, text, data, editedAt: null, deletedAt: null, deletedBy: null, revisionCount: 0, ...overrides };
}

function revision(id: number, entryId: number, text: string, replacedAt: number, change: NoteRevision['change'] = 'edit'): NoteRevision {
  return { id, entryId, text, replacedAt, replacedBy: 'alice', change };
}

/** An incident: A1 fires at +0, A2 at +5, A1 acknowledged at +10 by bob, A1 resolved at +20, incident mitigated at +25. */
function input(): ReplayInput {
  const bundle: IncidentBundle = {
    version: 1,
    exportedAt: T0 + 60 * MIN,
    incident: {
      id: 1, title: 'Checkout errors', severity: 'critical', status: 'mitigated', commander: 'bob', groupKey: 'service=checkout', openedAt: T0, lastActivityAt: T0 + 25 * MIN,
      mitigatedAt: T0 + 25 * MIN, resolvedAt: null, mergedInto: null, alertCount: 2, firingCount: 1, updatedAt: T0 + 25 * MIN,
    },
    alerts: [alert(1, { state: 'resolved', endsAt: T0 + 20 * MIN }), alert(2, { state: 'firing', startsAt: T0 + 5 * MIN })],
    alertHistory: [
      history(1, T0, null, 'firing'),
      history(2, T0 + 5 * MIN, null, 'firing'),
      history(1, T0 + 10 * MIN, 'firing', 'acknowledged', 'bob'),
      history(1, T0 + 20 * MIN, 'acknowledged', 'resolved'),
    ],
    timeline: [
      entry(10, T0, 'incident_opened', 'Incident opened'),
      entry(11, T0 + 8 * MIN, 'commander_changed', 'bob is commander', { from: null, to: 'bob' }),
      entry(12, T0 + 12 * MIN, 'note', 'Restarting **api**', {}, { editedAt: T0 + 30 * MIN, revisionCount: 1, text: 'Restarted api, errors gone' }),
      entry(13, T0 + 15 * MIN, 'note', '', {}, { deletedAt: T0 + 18 * MIN, deletedBy: 'alice', revisionCount: 1 }),
      entry(14, T0 + 25 * MIN, 'status_changed', 'Status open → mitigated', { from: 'open', to: 'mitigated' }),
      entry(15, T0 + 3 * MIN, 'title_changed', 'Title changed', { from: 'HighErrorRate on checkout', to: 'Checkout errors' }),
    ],
    noteRevisions: [revision(1, 12, 'Restarting **api**', T0 + 30 * MIN), revision(2, 13, 'wrong incident', T0 + 18 * MIN, 'delete')],
    silences: [],
    metricsWindow: { from: T0 - 10 * MIN, to: T0 + 40 * MIN, selectors: ['{host="web-1"}'] },
  };
  const ts = Array.from({ length: 51 }, (_, i) => T0 - 10 * MIN + i * MIN);
  return {
    bundle,
    series: [{
      key: 'cpu{host="web-1"}', name: 'cpu', labels: { host: 'web-1' }, ts,
      values: ts.map((_, i) => i),
      scores: ts.map((t, i) => (t < T0 ? null : i === 20 ? 0.9 : 0.2)),
    }],
  };
}

describe('replayState', () => {
  it('before the incident: nothing fired, not opened, metrics already there', () => {
    const state = replayState(input(), T0 - 5 * MIN);
    expect(state.incident).toEqual({ opened: false, status: null, title: 'HighErrorRate on checkout', commander: null });
    expect(state.alerts.map((a) => a.state)).toEqual(['not-yet', 'not-yet']);
    expect(state.timeline).toEqual([]);
    expect(state.metrics[0]).toMatchObject({ value: 5, ts: T0 - 5 * MIN, score: null, maxScoreSoFar: null, visible: 6 });
  });

  it('between events: alert states, who acknowledged, commander, title and the timeline so far', () => {
    const state = replayState(input(), T0 + 11 * MIN + 30_000);
    expect(state.alerts.map((a) => [a.alert.id, a.state, a.since, a.by])).toEqual([[1, 'acknowledged', T0 + 10 * MIN, 'bob'], [2, 'firing', T0 + 5 * MIN, null]]);
    expect(state.counts).toEqual({ 'not-yet': 0, firing: 1, acknowledged: 1, resolved: 0 });
    expect(state.incident).toEqual({ opened: true, status: 'open', title: 'Checkout errors', commander: 'bob' });
    expect(state.timeline.map((e) => e.entry.id)).toEqual([10, 15, 11]);
    // The sample at +11 min is the last one at or before +11.5 min.
    expect(state.metrics[0]).toMatchObject({ ts: T0 + 11 * MIN, value: 21, score: 0.2, maxScoreSoFar: 0.9 });
  });

  it('notes read as they did then: the text before a later edit, and a deleted note while it existed', () => {
    const during = replayState(input(), T0 + 16 * MIN);
    expect(during.timeline.find((e) => e.entry.id === 12)).toMatchObject({ text: 'Restarting **api**', edited: false, deleted: false });
    expect(during.timeline.find((e) => e.entry.id === 13)).toMatchObject({ text: 'wrong incident', deleted: false });
    const later = replayState(input(), T0 + 35 * MIN);
    expect(later.timeline.find((e) => e.entry.id === 12)).toMatchObject({ text: 'Restarted api, errors gone', edited: true });
    expect(later.timeline.find((e) => e.entry.id === 13)).toMatchObject({ text: '', deleted: true });
  });

  it('exactly at an event, the event has happened', () => {
    const state = replayState(input(), T0 + 20 * MIN);
    expect(state.alerts[0]?.state).toBe('resolved');
    expect(replayState(input(), T0 + 20 * MIN - 1).alerts[0]?.state).toBe('acknowledged');
    expect(replayState(input(), T0 + 25 * MIN).incident.status).toBe('mitigated');
  });

  it('clamps the instant to the window', () => {
    const data = input();
    const window = replayWindow(data);
    expect(window).toEqual({ fromTs: T0 - 10 * MIN, toTs: T0 + 40 * MIN });
    expect(replayState(data, 0).at).toBe(window.fromTs);
    expect(replayState(data, Number.MAX_SAFE_INTEGER).at).toBe(window.toTs);
  });

  it('falls back on start and end for alerts without history (older bundles)', () => {
    const data = input();
    data.bundle.alertHistory = [];
    expect(replayState(data, T0 + MIN).alerts.map((a) => a.state)).toEqual(['firing', 'not-yet']);
    expect(replayState(data, T0 + 21 * MIN).alerts.map((a) => a.state)).toEqual(['resolved', 'firing']);
  });

  it('lists the instants where something changes, for stepping', () => {
    expect(replayMarks(input())).toEqual([0, 3, 5, 8, 10, 12, 15, 18, 20, 25, 30].map((m) => T0 + m * MIN));
  });
});

describe('lastAtOrBefore', () => {
  it('finds the last sample at or before an instant', () => {
    expect(lastAtOrBefore([], 5)).toBe(-1);
    expect(lastAtOrBefore([10, 20, 30], 5)).toBe(-1);
    expect(lastAtOrBefore([10, 20, 30], 10)).toBe(0);
    expect(lastAtOrBefore([10, 20, 30], 25)).toBe(1);
    expect(lastAtOrBefore([10, 20, 30], 99)).toBe(2);
  });
});

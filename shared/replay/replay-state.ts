import type { Alert, AlertHistoryEntry, AlertState } from '../api/alerts.ts';
import type { IncidentBundle, IncidentStatus, NoteRevision, TimelineEntry } from '../api/incidents.ts';

/**
 * Time-travel replay of an incident: what an engineer would have seen at one instant of its
 * window, computed from what the desktop keeps offline (the incident's export bundle and the
 * pinned samples with their local anomaly scores). Pure: the same input and instant always
 * give the same state, so the scrubber can move freely and tests can pin every rule.
 */

export interface ReplaySeries {
  /** Stable key for the UI (the selector text). */
  key: string;
  name: string;
  labels: Record<string, string>;
  /** Ascending sample times, unix ms, with their values and local anomaly scores (null: not scored). */
  ts: readonly number[];
  values: readonly number[];
  scores: readonly (number | null)[];
}

export interface ReplayInput {
  bundle: IncidentBundle;
  series: readonly ReplaySeries[];
}

/** Before an alert's first recorded change it had not fired yet. */
export type ReplayAlertState = AlertState | 'not-yet';

export interface ReplayAlert {
  alert: Alert;
  state: ReplayAlertState;
  /** When it entered that state; null before it fired. */
  since: number | null;
  /** Who moved it there (an acknowledgement's author), if a person did. */
  by: string | null;
}

export interface ReplayTimelineEntry {
  entry: TimelineEntry;
  /** The text as it read at the instant (a note edited later shows its earlier text). */
  text: string;
  /** A note deleted by then. */
  deleted: boolean;
  /** A note edited by then. */
  edited: boolean;
}

export interface ReplayMetric {
  key: string;
  name: string;
  labels: Record<string, string>;
  /** The last sample at or before the instant; nulls before the series' first sample. */
  ts: number | null;
  value: number | null;
  score: number | null;
  /** The highest local anomaly score seen so far in the window. */
  maxScoreSoFar: number | null;
  /** How many samples of the series lie at or before the instant (for drawing "up to now"). */
  visible: number;
}

export interface ReplayState {
  at: number;
  window: { fromTs: number; toTs: number };
  incident: { opened: boolean; status: IncidentStatus | null; title: string; commander: string | null };
  alerts: ReplayAlert[];
  counts: Record<ReplayAlertState, number>;
  timeline: ReplayTimelineEntry[];
  metrics: ReplayMetric[];
}

/** The replayable span: the bundle's metrics window, widened to every event and sample it holds. */
export function replayWindow(input: ReplayInput): { fromTs: number; toTs: number } {
  const { bundle } = input;
  let fromTs = Math.min(bundle.metricsWindow.from, bundle.incident.openedAt);
  let toTs = Math.max(bundle.metricsWindow.to, bundle.incident.resolvedAt ?? bundle.incident.lastActivityAt);
  for (const entry of bundle.timeline) {
    fromTs = Math.min(fromTs, entry.ts);
    toTs = Math.max(toTs, entry.ts);
  }
  for (const series of input.series) {
    const first = series.ts[0];
    const last = series.ts[series.ts.length - 1];
    if (first !== undefined) fromTs = Math.min(fromTs, first);
    if (last !== undefined) toTs = Math.max(toTs, last);
  }
  return { fromTs, toTs };
}

/** Every instant at which something visible changes (an alert's state, a timeline entry), ascending, within the window. */
export function replayMarks(input: ReplayInput): number[] {
  const { fromTs, toTs } = replayWindow(input);
  const marks = new Set<number>();
  for (const entry of input.bundle.alertHistory) marks.add(entry.ts);
  for (const entry of input.bundle.timeline) marks.add(entry.ts);
  for (const revision of input.bundle.noteRevisions) marks.add(revision.replacedAt);
  return [...marks].filter((ts) => ts >= fromTs && ts <= toTs).sort((a, b) => a - b);
}

/** Index of the last element ≤ `at` in an ascending array, or -1. */
export function lastAtOrBefore(sorted: readonly number[], at: number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid] as number) <= at) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

function byTimeThenId<T extends { ts: number; id: number }>(a: T, b: T): number {
  return a.ts - b.ts || a.id - b.id;
}

function alertAt(alert: Alert, history: readonly AlertHistoryEntry[], at: number): ReplayAlert {
  let current: AlertHistoryEntry | undefined;
  for (const entry of history) {
    if (entry.ts > at) break;
    current = entry;
  }
  if (current) return { alert, state: current.toState, since: current.ts, by: current.actorKind === 'system' ? null : current.actor };
  // No history kept for it (an older bundle): fall back on its start and end.
  if (history.length === 0 && alert.startsAt <= at) {
    if (alert.endsAt !== null && alert.endsAt <= at && alert.state === 'resolved') return { alert, state: 'resolved', since: alert.endsAt, by: null };
    return { alert, state: 'firing', since: alert.startsAt, by: null };
  }
  return { alert, state: 'not-yet', since: null, by: null };
}

/**
 * A note's text at an instant: each revision holds the text it replaced, so the first
 * revision made after the instant holds the text that was showing then.
 */
function noteAt(entry: TimelineEntry, revisions: readonly NoteRevision[], at: number): ReplayTimelineEntry {
  const later = revisions.find((revision) => revision.replacedAt > at);
  if (later) return { entry, text: later.text, deleted: false, edited: revisions[0] !== later };
  const deleted = entry.deletedAt !== null && entry.deletedAt <= at;
  return { entry, text: deleted ? '' : entry.text, deleted, edited: revisions.some((revision) => revision.change === 'edit') };
}

export function replayState(input: ReplayInput, requestedAt: number): ReplayState {
  const { bundle } = input;
  const window = replayWindow(input);
  const at = Math.min(window.toTs, Math.max(window.fromTs, requestedAt));

  const timeline = [...bundle.timeline].sort(byTimeThenId);
  const shown = timeline.filter((entry) => entry.ts <= at);

  // Incident fields replayed from their change entries; the first change says what it was before.
  const opened = bundle.incident.openedAt <= at;
  let status: IncidentStatus | null = opened ? 'open' : null;
  const firstTitleChange = timeline.find((entry) => entry.kind === 'title_changed');
  let title = typeof firstTitleChange?.data.from === 'string' ? firstTitleChange.data.from : bundle.incident.title;
  const firstCommanderChange = timeline.find((entry) => entry.kind === 'commander_changed');
  let commander = firstCommanderChange ? ((firstCommanderChange.data.from as string | null | undefined) ?? null) : bundle.incident.commander;
  for (const entry of shown) {
    if (entry.kind === 'status_changed' && typeof entry.data.to === 'string') status = entry.data.to as IncidentStatus;
    if (entry.kind === 'title_changed' && typeof entry.data.to === 'string') title = entry.data.to;
    if (entry.kind === 'commander_changed') commander = (entry.data.to as string | null | undefined) ?? null;
  }

  const historyOf = new Map<number, AlertHistoryEntry[]>();
  for (const entry of [...bundle.alertHistory].sort(byTimeThenId)) {
    const list = historyOf.get(entry.alertId) ?? [];
    list.push(entry);
    historyOf.set(entry.alertId, list);
  }
  const alerts = bundle.alerts.map((alert) => alertAt(alert, historyOf.get(alert.id) ?? [], at));
  const counts: Record<ReplayAlertState, number> = { 'not-yet': 0, firing: 0, acknowledged: 0, resolved: 0 };
  for (const alert of alerts) counts[alert.state] += 1;

  const revisionsOf = new Map<number, NoteRevision[]>();
  for (const revision of [...bundle.noteRevisions].sort((a, b) => a.replacedAt - b.replacedAt || a.id - b.id)) {
    const list = revisionsOf.get(revision.entryId) ?? [];
    list.push(revision);
    revisionsOf.set(revision.entryId, list);
  }
  const replayedTimeline = shown.map((entry) =>
    entry.kind === 'note' ? noteAt(entry, revisionsOf.get(entry.id) ?? [], at) : { entry, text: entry.text, deleted: false, edited: false });

  const metrics = input.series.map((series): ReplayMetric => {
    const index = lastAtOrBefore(series.ts, at);
    let maxScoreSoFar: number | null = null;
    for (let i = 0; i <= index; i++) {
      const score = series.scores[i];
      if (score !== null && score !== undefined && (maxScoreSoFar === null || score > maxScoreSoFar)) maxScoreSoFar = score;
    }
    return {
      key: series.key,
      name: series.name,
      labels: series.labels,
      ts: index >= 0 ? (series.ts[index] as number) : null,
      value: index >= 0 ? (series.values[index] as number) : null,
      score: index >= 0 ? (series.scores[index] ?? null) : null,
      maxScoreSoFar,
      visible: index + 1,
    };
  });

  return { at, window, incident: { opened, status, title, commander }, alerts, counts, timeline: replayedTimeline, metrics };
}

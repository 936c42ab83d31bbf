import { afterEach, describe, expect, it } from 'vitest';
import { StreamEventLog, type RecordReads } from './event-log.ts';
import { openTempDb } from '../metrics/test-db.ts';
import type { Alert } from '../../../shared/api/alerts.ts';
import type { TimelineEntry } from '../../../shared/api/incidents.ts';

const alertOf = (id: number, state: Alert['state']): Alert => ({
  id, fingerprint: `fp${id}`, source: 'alertmanager', state, severity: 'warning', labels: { alertname: `A${id}` }, annotations: { summary: 'x'.repeat(300) },
  startsAt: 1, endsAt: null, lastSeenAt: 1, updatedAt: 1, occurrences: 1, silenced: false, silencedBy: [], acknowledgedBy: null, acknowledgedAt: null, ackComment: null, incidentId: 1, generatorUrl: null,
});
const entryOf = (id: number, text: string): TimelineEntry => ({
  id, incidentId: 1, ts: 1, kind: 'alert_firing', actor: 'system', actorKind: 'system', alertId: id, text, data: {}, editedAt: null, deletedAt: null, deletedBy: null, revisionCount: 0,
});
/** The tables the log replays alert and timeline events from, as maps (what features.ts lends it: the alerts' and the timeline's stores). */
function recordsOf(alerts: Map<number, Alert>, entries: Map<number, TimelineEntry>): RecordReads & { reads: number[][] } {
  const reads: number[][] = [];
  const pick = <T>(from: Map<number, T>, ids: readonly number[]) => {
    reads.push([...ids]);
    return Promise.resolve(new Map(ids.flatMap((id) => (from.has(id) ? [[id, from.get(id)!] as const] : []))));
  };
  return { reads, alerts: (ids) => pick(alerts, ids), timeline: (ids) => pick(entries, ids) };
}

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function tempLog(options: ConstructorParameters<typeof StreamEventLog>[1] = {}) {
  const temp = openTempDb();
  cleanups.push(temp.cleanup);
  return new StreamEventLog(temp.db, options);
}

function tempLogWithDb(options: ConstructorParameters<typeof StreamEventLog>[1] = {}) {
  const temp = openTempDb();
  cleanups.push(temp.cleanup);
  return { db: temp.db, log: new StreamEventLog(temp.db, options) };
}

describe('stream event log', async () => {
  it('numbers events consecutively and replays what came after an id', async () => {
    const log = tempLog();
    const ids = [1, 2, 3].map((n) => log.append({ type: 'anomaly_score', data: { n } }).id);
    expect(ids).toEqual([1, 2, 3]);
    expect(await log.after(1)).toEqual({ kind: 'events', events: [{ id: 2, type: 'anomaly_score', data: '{"n":2}' }, { id: 3, type: 'anomaly_score', data: '{"n":3}' }] });
    expect(await log.after(3)).toEqual({ kind: 'events', events: [] });
    expect(await log.after(4)).toEqual({ kind: 'reset', lastId: 3 });
  });

  it('writes a burst of one tick (rows in statements of 64, 16, 4 and 1) and replays every event in order', async () => {
    const { db, log } = tempLogWithDb();
    for (let n = 1; n <= 64 + 16 + 4 + 3 + 64; n++) log.append({ type: 'anomaly_score', data: { n } });
    log.flush();
    expect(db.prepare('SELECT count(*) FROM stream_events').pluck().get()).toBe(151);
    const replay = await log.after(0);
    expect(replay.kind === 'events' && replay.events.map((event) => [event.id, JSON.parse(event.data)])).toEqual(Array.from({ length: 151 }, (_, i) => [i + 1, { n: i + 1 }]));
    expect(log.append({ type: 'anomaly_score', data: {} }).id).toBe(152);
  });

  it('resets a client whose next event was pruned, and never reuses an id', async () => {
    let now = 0;
    const log = tempLog({ maxEvents: 2, maxAgeMs: 1000, now: () => now });
    for (let i = 0; i < 5; i++) log.append({ type: 'anomaly_score', data: {} });
    log.prune();
    expect(await log.after(3)).toEqual({ kind: 'events', events: [{ id: 4, type: 'anomaly_score', data: '{}' }, { id: 5, type: 'anomaly_score', data: '{}' }] });
    expect(await log.after(2)).toEqual({ kind: 'reset', lastId: 5 });
    now = 5000;
    log.prune();
    expect(await log.after(5)).toEqual({ kind: 'events', events: [] });
    expect(await log.after(4)).toEqual({ kind: 'reset', lastId: 5 });
    expect(log.append({ type: 'anomaly_score', data: {} }).id).toBe(6);
  });

  it('keeps the replay within its byte budget, dropping the oldest events', async () => {
    const log = tempLog({ maxBytes: 110 });
    // 51 bytes of JSON each: two fit in 110 bytes, three do not.
    const big = { text: 'x'.repeat(40) };
    for (let i = 0; i < 4; i++) log.append({ type: 'anomaly_score', data: big });
    expect(await log.after(1)).toEqual({ kind: 'reset', lastId: 4 });
    const replay = await log.after(2);
    expect(replay.kind === 'events' && replay.events.map((e) => e.id)).toEqual([3, 4]);
  });

  it('picks up where it was after a clean reopen: same retained events, ids continue', async () => {
    const temp = openTempDb();
    cleanups.push(temp.cleanup);
    const first = new StreamEventLog(temp.db, { maxEvents: 2 });
    for (let i = 0; i < 3; i++) first.append({ type: 'anomaly_score', data: { i } });
    await first.close(); // what shutdown does
    const second = new StreamEventLog(temp.db, { maxEvents: 2 });
    expect(second.lastId()).toBe(3);
    expect(await second.after(1)).toEqual({ kind: 'events', events: [{ id: 2, type: 'anomaly_score', data: '{"i":1}' }, { id: 3, type: 'anomaly_score', data: '{"i":2}' }] });
    second.append({ type: 'anomaly_score', data: { i: 3 } });
    expect(await second.after(1)).toEqual({ kind: 'reset', lastId: 4 });
  });

  it('after a crash that lost the last events: numbers on past every id sent, and resets the clients that resume from before it', async () => {
    const temp = openTempDb();
    cleanups.push(temp.cleanup);
    const first = new StreamEventLog(temp.db);
    for (let i = 1; i <= 3; i++) first.append({ type: 'anomaly_score', data: { i } });
    first.flush(); // ids 1 to 3 written
    // Sent to the clients, not written yet: the end of the tick never comes (SIGKILL).
    const lost = [4, 5].map((i) => first.append({ type: 'anomaly_score', data: { i } }).id);
    expect(lost).toEqual([4, 5]);

    const second = new StreamEventLog(temp.db); // the next start, on what the crash left
    const fresh = [6, 7].map((i) => second.append({ type: 'anomaly_score', data: { i } }).id);
    // A new event never comes under an id a client already saw (it would skip it)...
    expect(Math.min(...fresh)).toBeGreaterThan(5);
    // ...and a client that missed the lost events (it saw up to 3) is not replayed around them,
    // nor is one that saw them (up to 5) told there is nothing new.
    expect(await second.after(3)).toEqual({ kind: 'reset', lastId: fresh[1] });
    expect(await second.after(5)).toEqual({ kind: 'reset', lastId: fresh[1] });
    // Clients of the new run resume as usual.
    expect(await second.after(fresh[0]!)).toEqual({ kind: 'events', events: [{ id: fresh[1], type: 'anomaly_score', data: '{"i":7}' }] });
  });

  it('survives a full disk: keeps the events, answers a reset meanwhile, writes them once there is room', async () => {
    const errors: unknown[] = [];
    const { db, log } = tempLogWithDb({ onWriteError: (error) => errors.push(error) });
    log.append({ type: 'anomaly_score', data: { n: 1 } });
    log.flush();
    // A full disk, as SQLite sees one (SQLITE_FULL): no page beyond those in use.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const big = 'x'.repeat(200_000);
    for (let n = 2; n <= 4; n += 1) log.append({ type: 'anomaly_score', data: { n, big } });
    // The write runs at the end of the tick, from a timer: it must not throw there.
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code?: string }).code).toBe('SQLITE_FULL');
    expect(await log.after(1)).toEqual({ kind: 'reset', lastId: 4 });

    db.pragma('max_page_count = 1073741823');
    await expect.poll(async () => (await log.after(1)).kind, { timeout: 30_000 }).toBe('events');
    const replay = await log.after(1);
    expect(replay.kind === 'events' && replay.events.map((e) => e.id)).toEqual([2, 3, 4]);
    // Told once for the whole spell, not at each retry.
    expect(errors).toHaveLength(1);
  });

  it('keeps a marker of an alert or timeline event and replays it from the records: the action then, the state now; a record gone is skipped', async () => {
    const alerts = new Map([[7, alertOf(7, 'firing')], [8, alertOf(8, 'firing')]]);
    const entries = new Map([[70, entryOf(70, 'Alert A7 firing')]]);
    const records = recordsOf(alerts, entries);
    const { db, log } = tempLogWithDb({ records });
    const live = [
      log.append({ type: 'alert', data: { action: 'created', alert: alerts.get(7)! } }),
      log.append({ type: 'timeline', data: entries.get(70)! }),
      log.append({ type: 'alert', data: { action: 'created', alert: alerts.get(8)! } }),
      log.append({ type: 'anomaly_score', data: { n: 1 } }),
      log.append({ type: 'alert', data: { action: 'acknowledged', alert: { ...alerts.get(7)!, state: 'acknowledged' } } }),
    ];
    // Live clients get the whole event, from memory.
    expect(JSON.parse(live[0]!.data)).toEqual({ action: 'created', alert: alerts.get(7) });
    expect(JSON.parse(live[1]!.data)).toEqual(entries.get(70));
    log.flush();
    // What is stored is a marker, not a copy of the alert (its 300-byte summary).
    const stored = db.prepare('SELECT type, data FROM stream_events ORDER BY id').raw().all() as [string, string][];
    expect(stored.filter(([type]) => type !== 'anomaly_score').every(([, data]) => data.length < 40)).toBe(true);

    // Meanwhile alert 7 was acknowledged, alert 8 is gone, the entry was edited.
    alerts.set(7, alertOf(7, 'acknowledged'));
    alerts.delete(8);
    entries.set(70, { ...entryOf(70, 'Alert A7 firing'), editedAt: 5 });
    const replay = await log.after(0);
    expect(replay.kind === 'events' && replay.events.map((event) => [event.id, event.type, JSON.parse(event.data)])).toEqual([
      [1, 'alert', { action: 'created', alert: alertOf(7, 'acknowledged') }],
      [2, 'timeline', { ...entryOf(70, 'Alert A7 firing'), editedAt: 5 }],
      [4, 'anomaly_score', { n: 1 }],
      [5, 'alert', { action: 'acknowledged', alert: alertOf(7, 'acknowledged') }],
    ]);
    // One read per table for the whole replay, each record once.
    expect(records.reads).toEqual([[7, 8], [70]]);
  });

  it('replays the full copies an earlier version stored, next to the markers', async () => {
    const temp = openTempDb();
    cleanups.push(temp.cleanup);
    const before = new StreamEventLog(temp.db);
    before.append({ type: 'alert', data: { action: 'created', alert: alertOf(1, 'firing') } });
    await before.close();
    const alerts = new Map([[1, alertOf(1, 'resolved')], [2, alertOf(2, 'firing')]]);
    const after = new StreamEventLog(temp.db, { records: recordsOf(alerts, new Map()) });
    after.append({ type: 'alert', data: { action: 'created', alert: alertOf(2, 'firing') } });
    const replay = await after.after(0);
    expect(replay.kind === 'events' && replay.events.map((event) => JSON.parse(event.data))).toEqual([
      { action: 'created', alert: alertOf(1, 'firing') },
      { action: 'created', alert: alertOf(2, 'firing') },
    ]);
  });
});

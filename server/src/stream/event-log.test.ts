import { afterEach, describe, expect, it } from 'vitest';
import { StreamEventLog } from './event-log.ts';
import { openTempDb } from '../metrics/test-db.ts';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function tempLog(options: ConstructorParameters<typeof StreamEventLog>[1] = {}) {
  const temp = openTempDb();
  cleanups.push(temp.cleanup);
  return new StreamEventLog(temp.db, options);
}

describe('stream event log', () => {
  it('numbers events consecutively and replays what came after an id', () => {
    const log = tempLog();
    const ids = [1, 2, 3].map((n) => log.append({ type: 'anomaly_score', data: { n } }).id);
    expect(ids).toEqual([1, 2, 3]);
    expect(log.after(1)).toEqual({ kind: 'events', events: [{ id: 2, type: 'anomaly_score', data: '{"n":2}' }, { id: 3, type: 'anomaly_score', data: '{"n":3}' }] });
    expect(log.after(3)).toEqual({ kind: 'events', events: [] });
    expect(log.after(4)).toEqual({ kind: 'reset', lastId: 3 });
  });

  it('resets a client whose next event was pruned, and never reuses an id', () => {
    let now = 0;
    const log = tempLog({ maxEvents: 2, maxAgeMs: 1000, now: () => now });
    for (let i = 0; i < 5; i++) log.append({ type: 'anomaly_score', data: {} });
    log.prune();
    expect(log.after(3)).toEqual({ kind: 'events', events: [{ id: 4, type: 'anomaly_score', data: '{}' }, { id: 5, type: 'anomaly_score', data: '{}' }] });
    expect(log.after(2)).toEqual({ kind: 'reset', lastId: 5 });
    now = 5000;
    log.prune();
    expect(log.after(5)).toEqual({ kind: 'events', events: [] });
    expect(log.after(4)).toEqual({ kind: 'reset', lastId: 5 });
    expect(log.append({ type: 'anomaly_score', data: {} }).id).toBe(6);
  });

  it('keeps the replay within its byte budget, dropping the oldest events', () => {
    const log = tempLog({ maxBytes: 110 });
    // 51 bytes of JSON each: two fit in 110 bytes, three do not.
    const big = { text: 'x'.repeat(40) };
    for (let i = 0; i < 4; i++) log.append({ type: 'anomaly_score', data: big });
    expect(log.after(1)).toEqual({ kind: 'reset', lastId: 4 });
    const replay = log.after(2);
    expect(replay.kind === 'events' && replay.events.map((e) => e.id)).toEqual([3, 4]);
  });

  it('picks up where it was after a reopen: same retained events, ids continue', () => {
    const temp = openTempDb();
    cleanups.push(temp.cleanup);
    const first = new StreamEventLog(temp.db, { maxEvents: 2 });
    for (let i = 0; i < 3; i++) first.append({ type: 'anomaly_score', data: { i } });
    first.flush(); // what the end of the tick does
    const second = new StreamEventLog(temp.db, { maxEvents: 2 });
    expect(second.lastId()).toBe(3);
    expect(second.after(1)).toEqual({ kind: 'events', events: [{ id: 2, type: 'anomaly_score', data: '{"i":1}' }, { id: 3, type: 'anomaly_score', data: '{"i":2}' }] });
    second.append({ type: 'anomaly_score', data: { i: 3 } });
    expect(second.after(1)).toEqual({ kind: 'reset', lastId: 4 });
  });
});

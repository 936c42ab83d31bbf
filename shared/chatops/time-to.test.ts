import { describe, expect, it } from 'vitest';
import { InventoryIndex } from './inventory.ts';
import { parseCommand } from './parser.ts';

const index = new InventoryIndex({
  targets: [{ name: 'web-1', label: 'host' }, { name: 'db-1', label: 'host' }],
  metrics: ['node_cpu_utilisation_ratio'],
  runbooks: [{ id: 'restart-service', title: 'Restart a service', keywords: ['restart'], params: ['service', 'host'] }, { id: 'failover-db', title: 'Fail a database over to its replica', keywords: ['failover'], params: ['cluster'] }],
});
const ref = { now: Date.parse('2026-03-10T12:00:00Z'), utcOffsetMinutes: 0 };

describe('"time to …" (round 14)', () => {
  it('is the order, as sure as the order said plainly', () => {
    // ("time to close INC-12" was read at 0.8, "it's time to resolve incident 7" at 0.64: "time" was a word of no rule's.)
    for (const [said, plainly] of [['time to close INC-12', 'close INC-12'], ["it's time to resolve incident 7", 'resolve incident 7'], ['its time to ack 12', 'ack 12'], ['high time to fail over the db cluster main', 'fail over the db cluster main']] as const) {
      const read = parseCommand(said, index, ref);
      const plain = parseCommand(plainly, index, ref);
      expect(read.intent, said).toBe(plain.intent);
      expect(read.slots, said).toEqual(plain.slots);
      expect(read.confidence, said).toBe(plain.confidence);
    }
  });

  it('leaves a question or a later time as said', () => {
    for (const text of ['is it time to close INC-12', 'time to close INC-12?', 'almost time to restart nginx on web-1', 'not time to close 7 yet']) expect(parseCommand(text, index, ref).intent, text).not.toBe('incident.status');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { InventoryIndex, type ChatInventory } from '../../../shared/chatops/inventory.ts';
import { parseCommand } from '../../../shared/chatops/parser.ts';
import { PARSE_THRESHOLD } from '../../../shared/chatops/intents.ts';

// The golden file lives beside the parser in shared/ (the console parses with the same code).
const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/chatops');
const setting = YAML.parse(fs.readFileSync(path.join(here, 'golden-inventory.yaml'), 'utf8')) as ChatInventory & { now: string; utcOffsetMinutes: number };
const cases = YAML.parse(fs.readFileSync(path.join(here, 'golden.yaml'), 'utf8')) as { text: string; intent: string; slots?: Record<string, unknown>; alternatives?: string[] }[];
const index = new InventoryIndex(setting);
const now = Date.parse(setting.now);
const ref = { now, utcOffsetMinutes: setting.utcOffsetMinutes };

/** Golden times are ISO strings or `now`. */
function expectedSlots(slots: Record<string, unknown>): Record<string, unknown> {
  const out = { ...slots };
  for (const key of ['from', 'to']) {
    const value = out[key];
    if (value === 'now') out[key] = now;
    else if (typeof value === 'string') out[key] = Date.parse(value);
  }
  return out;
}

describe('golden phrases', () => {
  it('has at least 200 phrases, each once', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.text)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.text, c] as const))('%s', (_text, golden) => {
    const result = parseCommand(golden.text, index, ref);
    expect(result.intent).toBe(golden.intent);
    if (golden.intent === 'unknown') {
      expect(result.confidence).toBeLessThan(1.0001);
      expect([...new Set(result.alternatives.map((a) => a.intent))].sort()).toEqual([...(golden.alternatives ?? [])].sort());
    } else {
      expect(result.slots).toEqual(expectedSlots(golden.slots ?? {}));
      expect(result.confidence).toBeGreaterThanOrEqual(PARSE_THRESHOLD);
      expect(result.preview.length).toBeGreaterThan(0);
    }
  });
});

describe('parser', () => {
  it('needs the permission of the intent: reading is a read, acknowledging an incident is an incident write', () => {
    expect(parseCommand('cpu on web-1', index, ref).requiredPermission).toBe('metrics:read');
    expect(parseCommand('ack 12', index, ref).requiredPermission).toBe('alerts:write');
    expect(parseCommand('acknowledge incident 7', index, ref).requiredPermission).toBe('incidents:write');
    expect(parseCommand('help', index, ref).requiredPermission).toBeNull();
  });

  it('answers unknown with "did you mean" rather than guess a target that is not there', () => {
    const result = parseCommand('cpu on wbe-9', index, ref);
    expect(result.intent).toBe('unknown');
    expect(result.alternatives.map((a) => a.text).join(' ')).toContain('wbe-9');
  });

  it('offers the runbooks nearest to one that does not exist first', () => {
    const result = parseCommand('run the clear-cache runbook on web-1', index, ref);
    expect(result.intent).toBe('unknown');
    const offered = result.alternatives.map((a) => /Did you mean ([\w-]+)\?/.exec(a.text)?.[1]);
    expect(offered.slice(0, 2).sort()).toEqual(['clear-disk', 'flush-cache']);
    expect(result.alternatives[0]!.text).toContain('No runbook named "clear-cache"');
  });

  it('asks when two targets are equally near', () => {
    const twins = new InventoryIndex({ targets: [{ name: 'api-blue', label: 'host' }, { name: 'api-glue', label: 'host' }], metrics: ['node_load1'], runbooks: [] });
    const result = parseCommand('load on api-flue', twins, ref);
    expect(result.intent).toBe('unknown');
    expect(result.alternatives.map((a) => a.text).join(' ')).toMatch(/api-blue[\s\S]*api-glue|api-glue[\s\S]*api-blue/);
    // A near miss with one candidate is taken, but never across numbers: web-9 is not web-1.
    expect(parseCommand('load on api-blew', twins, ref)).toMatchObject({ intent: 'metrics.show', slots: { target: 'api-blue' } });
    expect(parseCommand('cpu on web-9', new InventoryIndex({ ...setting, targets: [{ name: 'web-1', label: 'host' }] }), ref).intent).toBe('unknown');
  });

  it('reads "since 9am" said before 9am as yesterday', () => {
    const early = Date.parse('2026-03-10T08:00:00Z');
    const result = parseCommand('cpu on web-1 since 9am', index, { now: early, utcOffsetMinutes: 0 });
    expect(result.slots).toMatchObject({ from: Date.parse('2026-03-09T09:00:00Z'), to: early });
  });

  it('reads times in the user\'s zone', () => {
    const result = parseCommand('cpu on web-1 since 9am', index, { now, utcOffsetMinutes: 120 });
    expect(result.slots).toMatchObject({ from: Date.parse('2026-03-10T07:00:00Z') });
  });

  it('reads the weekend as Saturday and Sunday, the one under way until now, in the user\'s zone', () => {
    const at = (iso: string, utcOffsetMinutes = 0) => parseCommand('cpu on web-1 over the weekend', index, { now: Date.parse(iso), utcOffsetMinutes }).slots;
    // Tuesday: the last weekend, whole.
    expect(at('2026-03-10T12:00:00Z')).toMatchObject({ from: Date.parse('2026-03-07T00:00:00Z'), to: Date.parse('2026-03-09T00:00:00Z') });
    // Saturday and Sunday: this one, until now.
    expect(at('2026-03-14T12:00:00Z')).toMatchObject({ from: Date.parse('2026-03-14T00:00:00Z'), to: Date.parse('2026-03-14T12:00:00Z') });
    expect(at('2026-03-15T12:00:00Z')).toMatchObject({ from: Date.parse('2026-03-14T00:00:00Z'), to: Date.parse('2026-03-15T12:00:00Z') });
    // Monday 01:00 in UTC+2 is Sunday 23:00 UTC: the weekend's midnights are the user's.
    expect(at('2026-03-08T23:00:00Z', 120)).toMatchObject({ from: Date.parse('2026-03-06T22:00:00Z'), to: Date.parse('2026-03-08T22:00:00Z') });
  });

  it('reads "last night" as yesterday evening to this morning, until now when said before 8', () => {
    expect(parseCommand('cpu on web-1 last night', index, ref).slots).toMatchObject({ from: Date.parse('2026-03-09T18:00:00Z'), to: Date.parse('2026-03-10T08:00:00Z') });
    const early = Date.parse('2026-03-10T06:30:00Z');
    expect(parseCommand('cpu on web-1 overnight', index, { now: early, utcOffsetMinutes: 0 }).slots).toMatchObject({ from: Date.parse('2026-03-09T18:00:00Z'), to: early });
  });

  it('asks whether a bare hour said with a day is the morning\'s or the evening\'s ("until 6 tomorrow")', () => {
    for (const [text, question] of [
      ['silence web-1 until 6 tomorrow', '"6 tomorrow" could be 6 am or 6 pm: say "until 6am tomorrow" or "until 6pm tomorrow".'],
      ['snooze 12 till 7:30 tmrw', '"7:30 tmrw" could be 7:30 am or 7:30 pm: say "until 7:30am tmrw" or "until 7:30pm tmrw".'],
    ] as const) {
      const result = parseCommand(text, index, ref);
      expect(result.intent).toBe('unknown');
      expect(result.alternatives[0]!.text).toContain(question);
    }
    // Said with its half, it is read.
    expect(parseCommand('silence web-1 until 6 tomorrow morning', index, ref).slots).toMatchObject({ durationSeconds: 18 * 3600 });
  });

  it('parses a runbook command without a runbook inventory, naming it by its verb', () => {
    const bare = new InventoryIndex({ ...setting, runbooks: [] });
    const result = parseCommand('restart web on api-1', bare, ref);
    expect(result).toMatchObject({ intent: 'runbook.run', slots: { runbook: 'restart', params: { service: 'web', host: 'api-1' } } });
  });

  it('asks for one host when a run is asked for a family of them, naming its members', () => {
    const result = parseCommand('restart nginx on all web servers', index, ref);
    expect(result.intent).toBe('unknown');
    expect(result.alternatives[0]!.text).toBe('A runbook run acts on one host at a time: say which, e.g. "restart nginx on web-1", then "… on web-2", "… on web-3".');
  });

  it('says what a runbook takes when the target named has no place in it', () => {
    const result = parseCommand('failover db-1', index, ref);
    expect(result.intent).toBe('unknown');
    expect(result.alternatives[0]!.text).toBe('Runbook failover-db does not act on a host, so db-1 would have no place in its run; it takes cluster, e.g. "run failover-db cluster=…".');
  });

  it('never reads a long line past its limit', () => {
    const result = parseCommand(`ack 12 ${'x'.repeat(10_000)}`, index, ref);
    expect(result.intent).toBe('alert.ack');
    expect((result.slots as { comment: string }).comment.length).toBeLessThan(2000);
  });
});

import { describe, expect, it } from 'vitest';
import { InventoryIndex } from './inventory.ts';
import { exclusionOf, leftOutTargets, namedTargets, secondCommandAt } from './whole-line.ts';
import { mergePhrasalVerbs, tokenize } from './tokens.ts';

const tokens = (text: string) => mergePhrasalVerbs(tokenize(text));
/** The first clause of a line with two commands, or null. */
const firstClause = (text: string) => {
  const split = secondCommandAt(tokens(text));
  return split === null ? null : tokens(text).slice(0, split.at).map((t) => t.raw).join(' ');
};

describe('a second command on the line (secondCommandAt)', () => {
  it('starts at a joiner followed by an order', () => {
    expect(firstClause('ack 12 and restart nginx on web-1')).toBe('ack 12');
    expect(firstClause('restart nginx on web-1 then ack 12')).toBe('restart nginx on web-1');
    expect(firstClause('ack 12 and then silence db-1 for 1h')).toBe('ack 12');
    expect(firstClause('clear disk on db-2; restart nginx on web-1')).toBe('clear disk on db-2;');
    expect(firstClause('resolve incident 7 & fail over db-1')).toBe('resolve incident 7');
    // A comma before an order's verb parts them as a ";" does; before other words it is the line's own.
    expect(firstClause('ack 12, silence web-1 for 1h')).toBe('ack 12,');
    expect(firstClause('silence db-1 for 1h, maintenance')).toBeNull();
    expect(firstClause('ack 12, 13')).toBeNull();
    // ("mitigate 7, failover done": a report after the comma is the comment's.)
    expect(firstClause('mitigate 7, failover done')).toBeNull();
  });

  it('is not a report of what was done, nor what follows a comment marker or a colon', () => {
    expect(firstClause('ack 12 restarted and cleared')).toBeNull();
    expect(firstClause('ack 12 restarting and clearing')).toBeNull();
    expect(firstClause('ack 12 because disk full and clear pending')).toBeNull();
    expect(firstClause('ack 12 - looking and restart later')).toBeNull();
    expect(firstClause('note on 7: ack and restart done')).toBeNull();
    expect(firstClause('silence cpu and memory alerts on web-1')).toBeNull();
  });
});

describe('targets a reading leaves out', () => {
  const index = new InventoryIndex({ targets: [{ name: 'web-1', label: 'host' }, { name: 'web-2', label: 'host' }, { name: 'payments-api', label: 'target' }], metrics: [], runbooks: [] });

  it('names each target of the line once, "web 1" and "web1" included', () => {
    expect(namedTargets(tokens('cpu on web 1 and web2 and web-1'), index)).toEqual(['web-1', 'web-2']);
  });

  it('are the named targets a targeted command does not use', () => {
    const named = ['web-1', 'web-2'];
    expect(leftOutTargets({ intent: 'metrics.show', slots: { metric: 'cpu', target: 'web-1', from: 0, to: 1 } }, named)).toEqual(['web-2']);
    expect(leftOutTargets({ intent: 'runbook.run', slots: { runbook: 'restart', params: { host: 'web-2', service: 'nginx' } } }, named)).toEqual(['web-1']);
    expect(leftOutTargets({ intent: 'silence.create', slots: { matchers: [{ name: 'host', op: '=~', value: 'web-1|web-2' }], durationSeconds: 60 } }, named)).toEqual([]);
    // A target read into an alert name is not matched as a target.
    expect(leftOutTargets({ intent: 'silence.create', slots: { matchers: [{ name: 'host', op: '=', value: 'web-1' }, { name: 'alertname', op: '=~', value: '.*(?i:web-2).*' }], durationSeconds: 60 } }, named)).toEqual(['web-2']);
  });

  it('are none for commands about an alert or an incident by id, whose comment may name hosts', () => {
    expect(leftOutTargets({ intent: 'alert.ack', slots: { alertId: 12, comment: 'web-1 and web-2 restarted' } }, ['web-1', 'web-2'])).toEqual([]);
    expect(leftOutTargets({ intent: 'incident.note', slots: { incidentId: 7, text: 'web-1' } }, ['web-1', 'web-2'])).toEqual([]);
    expect(leftOutTargets({ intent: 'silence.create', slots: { matchers: [], alertId: 12, durationSeconds: 60 } }, ['web-1'])).toEqual([]);
  });
});

describe('exclusions (exclusionOf)', () => {
  const exclusion = (text: string) => exclusionOf(tokenize(text));

  it('finds the words that leave something out, before any free text', () => {
    expect(exclusion('silence everything except db-1 for 1h')).toBe('except db-1');
    expect(exclusion('ack all but 12')).toBe('but 12');
    expect(exclusion('alerts not on db-1')).toBe('not on');
    expect(exclusion('silence non-critical alerts')).toBe('non-critical alerts');
    expect(exclusion('alerts other than warnings')).toBe('other than');
  });

  it('leaves alone what only looks like one: a comment, a note, a negated state, "but" after a name', () => {
    expect(exclusion('ack 12 - everything except disk is fine')).toBeNull();
    expect(exclusion('note on 7: all but one host recovered')).toBeNull();
    expect(exclusion('alerts not acked')).toBeNull();
    expect(exclusion('restart nginx on web-1 but not web-2')).toBeNull();
  });
});

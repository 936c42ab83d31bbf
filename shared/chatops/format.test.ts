import { describe, expect, it } from 'vitest';
import { alertKindWords, previewOf } from './format.ts';

const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('previewOf', () => {
  it('says what an acknowledgement acts on, and never "undefined" when it names nothing yet', () => {
    expect(previewOf({ intent: 'alert.ack', slots: {} }, NOW)).toBe('Acknowledge an alert');
    expect(previewOf({ intent: 'alert.ack', slots: { incidentId: 7 } }, NOW)).toBe('Acknowledge every open alert of incident 7');
    expect(previewOf({ intent: 'alert.ack', slots: { target: 'db-1', severities: ['critical', 'warning'] } }, NOW)).toBe('Acknowledge every firing critical or warning alert on db-1');
  });

  it('names the alerts list\'s silence and severity filters, and who commands an incident', () => {
    expect(alertKindWords({ silenced: true, severity: 'critical' })).toBe('silenced critical');
    expect(alertKindWords({ silenced: false })).toBe('unsilenced');
    expect(alertKindWords({})).toBe('');
    expect(previewOf({ intent: 'alerts.list', slots: { silenced: true, target: 'db-1' } }, NOW)).toBe('List unresolved silenced alerts on db-1');
    expect(previewOf({ intent: 'incident.assign', slots: { incidentId: 7 } }, NOW)).toBe('Make you the commander of incident 7');
    expect(previewOf({ intent: 'incident.assign', slots: { incidentId: 7, commander: 'alice' } }, NOW)).toBe('Make alice the commander of incident 7');
    expect(previewOf({ intent: 'incidents.list', slots: { unassigned: true } }, NOW)).toBe('List unresolved incidents without a commander');
  });
});

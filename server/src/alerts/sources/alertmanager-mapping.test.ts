import { describe, expect, it } from 'vitest';
import { mapAlertmanagerPayload } from './alertmanager.ts';

describe('Alertmanager payload mapping', () => {
  const startsAt = '2026-01-01T10:00:00Z';

  it('refuses an alert whose endsAt is before its startsAt, as Alertmanager does', () => {
    const batch = mapAlertmanagerPayload([
      { status: 'resolved', labels: { alertname: 'Backwards' }, startsAt, endsAt: '2026-01-01T09:59:59Z' },
      { status: 'firing', labels: { alertname: 'BackwardsFiring' }, startsAt, endsAt: '2025-12-31T00:00:00Z' },
      { status: 'resolved', labels: { alertname: 'Ok' }, startsAt, endsAt: '2026-01-01T10:05:00Z' },
      { status: 'resolved', labels: { alertname: 'Instant' }, startsAt, endsAt: startsAt },
      { status: 'firing', labels: { alertname: 'NoEnd' }, startsAt, endsAt: '0001-01-01T00:00:00Z' },
    ]);
    expect(batch.rejected).toEqual([
      { index: 0, errors: ['/endsAt start time must be before end time'] },
      { index: 1, errors: ['/endsAt start time must be before end time'] },
    ]);
    expect(batch.indexes).toEqual([2, 3, 4]);
    expect(batch.events.find((e) => e.labels.alertname === 'Ok')?.endsAt).toBe(Date.parse('2026-01-01T10:05:00Z'));
  });

  it('refuses an alert whose time the schema takes but no clock has (a leap second), not the whole POST; a zero startsAt is the receipt', () => {
    const batch = mapAlertmanagerPayload([
      { status: 'firing', labels: { alertname: 'Leap' }, startsAt: '2026-12-31T23:59:60Z' },
      { status: 'resolved', labels: { alertname: 'LeapEnd' }, startsAt, endsAt: '2027-01-01T00:59:60+01:00' },
      { status: 'firing', labels: { alertname: 'ZeroStart' }, startsAt: '0001-01-01T00:00:00Z' },
      { status: 'firing', labels: { alertname: 'Nanos' }, startsAt: '2026-01-01T12:00:00.123456789+02:00' },
    ]);
    expect(batch.rejected).toEqual([
      { index: 0, errors: ['/startsAt "2026-12-31T23:59:60Z" is not a time this server can read'] },
      { index: 1, errors: ['/endsAt "2027-01-01T00:59:60+01:00" is not a time this server can read'] },
    ]);
    expect(batch.indexes).toEqual([2, 3]);
    // Before, NaN went to the database and the whole POST failed with 500, which Alertmanager retries for ever.
    expect(batch.events[0]!.startsAt).toBeUndefined();
    expect(batch.events[1]!.startsAt).toBe(Date.parse('2026-01-01T10:00:00.123Z'));
  });
});

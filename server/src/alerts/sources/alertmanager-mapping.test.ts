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
});

import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { Alert } from '../../../../shared/api/alerts.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { AlertsTable } from './AlertsTable.tsx';

const alert: Alert = {
  id: 1, fingerprint: 'f1', source: 'api', state: 'firing', severity: 'critical', labels: { alertname: 'DiskFull', host: 'node-1' },
  annotations: { summary: 'Disk almost full on node-1' }, startsAt: Date.now() - 3 * 3_600_000, endsAt: null, lastSeenAt: 0, updatedAt: 0,
  occurrences: 1, silenced: false, silencedBy: [], acknowledgedBy: null, acknowledgedAt: null, ackComment: null, incidentId: null, generatorUrl: null,
};
const noop = () => undefined;

describe('AlertsTable', () => {
  // The last column (acknowledge, more actions) had an empty header: a screen reader moving
  // along a row heard the buttons under no column name (axe: empty-table-header).
  it('names every column, the actions one included', () => {
    renderWithProviders(<AlertsTable alerts={[alert]} cursor={-1} selected={new Set()} canWrite onToggle={noop} onToggleAll={noop} onCursor={noop} onAcknowledge={noop} onSilence={noop} onHistory={noop} />);
    const headers = screen.getAllByRole('columnheader');
    expect(headers.map((header) => header.textContent)).toEqual(['', 'Severity', 'Alert', 'State', 'Started', 'Owner', 'Actions']);
    expect(headers[0]!.querySelector('input')?.getAttribute('aria-label')).toBe('Select all alerts');
    expect(screen.getByText('3 h ago').tagName).toBe('TIME');
  });

  // Beside the navigation at 1024 px "1 min ago" broke after "min"; its column now keeps it
  // on one line, as the incidents list does, and the alert's title wraps instead.
  it('keeps the age and the column names on one line', () => {
    renderWithProviders(<AlertsTable alerts={[alert]} cursor={-1} selected={new Set()} canWrite onToggle={noop} onToggleAll={noop} onCursor={noop} onAcknowledge={noop} onSilence={noop} onHistory={noop} />);
    expect(screen.getByText('3 h ago').classList.contains('sco-nowrap')).toBe(true);
    expect(screen.getByRole('columnheader', { name: 'Started' }).classList.contains('sco-nowrap')).toBe(true);
  });
});

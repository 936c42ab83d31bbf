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

  // A summary with a path (/var/lib/docker/overlay2/<64 hex>/merged) and a cloud host name
  // have no space to break at: at 1024 px they widened the table by 485 px, State, Started,
  // Owner and the actions off the screen (69 px at 1440). They break anywhere, as in the
  // incidents list.
  it('breaks a title and a target without spaces anywhere', () => {
    const host = 'ip-10-120-33-187.eu-central-1.compute.internal-worker-pool-a7';
    const summary = `Disk /var/lib/docker/overlay2/${'3f9a1c2b7e8d4f6a'.repeat(4)}/merged on ${host} will fill in 4 hours`;
    const long: Alert = { ...alert, labels: { alertname: 'DiskWillFill', host }, annotations: { summary } };
    renderWithProviders(<AlertsTable alerts={[long]} cursor={-1} selected={new Set()} canWrite onToggle={noop} onToggleAll={noop} onCursor={noop} onAcknowledge={noop} onSilence={noop} onHistory={noop} />);
    expect(screen.getByRole('link', { name: summary }).classList.contains('sco-wrap-anywhere')).toBe(true);
    expect(screen.getByText(host).classList.contains('sco-wrap-anywhere')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { Alert } from '../../../../shared/api/alerts.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { FiringNow } from './FiringNow.tsx';

function alert(id: number, host: string): Alert {
  return {
    id, fingerprint: `f${id}`, source: 'api', state: 'firing', severity: 'critical',
    labels: { alertname: 'HighLatency', instance: host }, annotations: { summary: `p99 latency on ${host} above 2.5 s for 10 minutes` },
    startsAt: 0, endsAt: null, lastSeenAt: 0, updatedAt: 0, occurrences: 1, silenced: false, silencedBy: [],
    acknowledgedBy: null, acknowledgedAt: null, ackComment: null, incidentId: null, generatorUrl: null,
  };
}

describe('FiringNow', () => {
  const hosts = ['ip-10-0-99-99.eu-central-1.compute.internal.example-corp', 'ip-10-0-96-96.eu-central-1.compute.internal.example-corp'];

  // On a phone every row read "p99 latency on ip-10-…": the host that tells them apart was
  // cut off, and a row opened nothing, so the engineer had to find the alert again.
  it('opens each alert in the alert drawer', () => {
    window.location.hash = '#/';
    renderWithProviders(<FiringNow alerts={hosts.map((host, i) => alert(i + 1, host))} now={60_000} />);
    const first = screen.getByRole('link', { name: `p99 latency on ${hosts[0]} above 2.5 s for 10 minutes` });
    expect(first.getAttribute('href')).toBe('#/?alert=1');
    expect(screen.getByRole('link', { name: new RegExp(hosts[1]!.replaceAll('.', '\\.')) }).getAttribute('href')).toBe('#/?alert=2');
  });

  it('lets a long title wrap onto a second line instead of cutting it to one', () => {
    renderWithProviders(<FiringNow alerts={[alert(1, hosts[0]!)]} now={60_000} />);
    const title = screen.getByText(`p99 latency on ${hosts[0]} above 2.5 s for 10 minutes`);
    expect(title.closest('[data-truncate]')).toBeNull();
    expect(title.closest('.sco-wrap-anywhere')).not.toBeNull();
  });
});

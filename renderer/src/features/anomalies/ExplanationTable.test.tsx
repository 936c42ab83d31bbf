import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { renderWithProviders } from '../../test/render.tsx';
import { ExplanationTable } from './ExplanationTable.tsx';

describe('explanation table', () => {
  it('gives each metric its unit from its feature key: labels and a counter read as rate() included', () => {
    const metric = (name: string, value: number, share: number) => ({ metric: name, value, sigma: 5, baseline: 'mean', status: 'above' as const, share });
    renderWithProviders(
      <ExplanationTable
        explanation={{
          summary: '',
          features: [],
          metrics: [metric('rate(node_network_receive_bytes_total{device="eth0"})', 2048, 0.6), metric('node_filesystem_used_bytes{mount="/"}', 3 * 1024 ** 3, 0.3), metric('rate(http_requests_total)', 1500, 0.1)],
        }}
      />,
    );
    expect(screen.getByText('2 KiB/s')).toBeTruthy();
    expect(screen.getByText('3 GiB')).toBeTruthy();
    expect(screen.getByText('1.5k/s')).toBeTruthy();
  });
});

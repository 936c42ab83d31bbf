import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import { renderWithProviders } from '../../test/render.tsx';
import { TimeSeriesChart } from './TimeSeriesChart.tsx';

const series = [
  { id: 1, name: 'cpu', labels: { host: 'web-1' }, timestamps: [0, 60_000, 120_000], values: [0.2, 0.4, 0.9] },
  { id: 2, name: 'cpu', labels: { host: 'web-2' }, timestamps: [0, 60_000, 120_000], values: [0.1, 0.3, 0.2] },
];

function overlayWithBox() {
  const overlay = screen.getByTestId('chart-overlay');
  overlay.getBoundingClientRect = () => ({ left: 0, top: 0, right: 534, bottom: 264, width: 534, height: 264, x: 0, y: 0, toJSON: () => ({}) });
  return overlay;
}

describe('TimeSeriesChart', () => {
  it('draws one line per series, anomaly bands and markers', () => {
    renderWithProviders(
      <TimeSeriesChart
        series={series}
        width={600}
        height={300}
        title="CPU"
        bands={[{ from: 30_000, to: 90_000, score: 0.9 }]}
        markers={[{ ts: 30_000, label: 'cpu 4.1σ above baseline' }]}
      />,
    );
    expect(screen.getByRole('img', { name: 'CPU: 2 series' })).toBeTruthy();
    expect(screen.getAllByTestId('series-line')).toHaveLength(2);
    expect(screen.getAllByTestId('anomaly-band')).toHaveLength(1);
    expect(screen.getByTestId('anomaly-marker').textContent).toContain('cpu 4.1σ above baseline');
  });

  it('turns a drag across the plot into a time range (brush to zoom)', () => {
    const onBrush = vi.fn();
    renderWithProviders(<TimeSeriesChart series={series} width={600} height={300} title="CPU" from={0} to={120_000} onBrush={onBrush} />);
    const overlay = overlayWithBox();
    fireEvent.pointerDown(overlay, { clientX: 0, button: 0, pointerId: 1 });
    fireEvent.pointerMove(overlay, { clientX: 200, pointerId: 1 });
    expect(screen.getByTestId('brush-selection')).toBeTruthy();
    fireEvent.pointerUp(overlay, { clientX: 267, pointerId: 1 });
    expect(onBrush).toHaveBeenCalledTimes(1);
    const [from, to] = onBrush.mock.calls[0] as [number, number];
    expect(from).toBe(0);
    expect(to).toBeCloseTo(60_000, -1);
  });

  it('treats a click as a click, not a zoom', () => {
    const onBrush = vi.fn();
    renderWithProviders(<TimeSeriesChart series={series} width={600} height={300} title="CPU" onBrush={onBrush} />);
    const overlay = overlayWithBox();
    fireEvent.pointerDown(overlay, { clientX: 100, button: 0, pointerId: 1 });
    fireEvent.pointerUp(overlay, { clientX: 102, pointerId: 1 });
    expect(onBrush).not.toHaveBeenCalled();
  });

  it('shows the values under the cursor, highest first', () => {
    renderWithProviders(<TimeSeriesChart series={series} width={600} height={300} title="CPU" from={0} to={120_000} />);
    fireEvent.pointerMove(overlayWithBox(), { clientX: 534, pointerId: 1 });
    const labels = screen.getAllByText(/cpu\{host=/).map((node) => node.textContent);
    expect(labels).toEqual(['cpu{host="web-1"}', 'cpu{host="web-2"}']);
  });

  it('shows values with their unit and puts a second unit on its own axis', () => {
    const overlaid = [
      { id: 1, name: 'node_cpu_utilisation_ratio', labels: { host: 'web-1' }, timestamps: [0, 60_000, 120_000], values: [0.2, 0.4, 0.9] },
      { id: 2, name: 'node_memory_used_bytes', labels: { host: 'web-1' }, timestamps: [0, 60_000, 120_000], values: [2 * 1024 ** 3, 3 * 1024 ** 3, 3.5 * 1024 ** 3] },
    ];
    const { container } = renderWithProviders(<TimeSeriesChart series={overlaid} width={600} height={300} title="web-1" from={0} to={120_000} />);
    expect(container.querySelector('svg')?.getAttribute('data-units')).toBe('ratio,bytes');
    const tickTexts = [...container.querySelectorAll('text')].map((node) => node.textContent ?? '');
    expect(tickTexts.some((text) => /^\d+%$/.test(text))).toBe(true);
    expect(tickTexts.some((text) => /GiB$/.test(text))).toBe(true);
    expect(tickTexts.some((text) => /^Time \(.+\)$/.test(text))).toBe(true);
    fireEvent.pointerMove(screen.getByTestId('chart-overlay'), { clientX: 10_000, pointerId: 1 });
    expect(screen.getByText('90%')).toBeTruthy();
    expect(screen.getByText('3.5 GiB')).toBeTruthy();
  });

  // Memory of about 1.2 GiB had ticks "1.16 GiB" to "1.3 GiB" in a fixed 52 px margin: they
  // read ".16 GiB", ".21 GiB", their first digit cut off at the chart's left edge.
  it('makes room left of the plot for its longest value label', () => {
    const memory = [{ id: 1, name: 'memory_used_bytes', labels: { host: 'web-1' }, timestamps: [0, 60_000, 120_000], values: [1_234_567_890, 1_300_000_000, 1_400_000_000] }];
    const { container } = renderWithProviders(<TimeSeriesChart series={memory} width={600} height={300} title="memory" from={0} to={120_000} />);
    const labels = [...container.querySelectorAll('.visx-axis-left text')].map((node) => node.textContent ?? '');
    expect(labels).toContain('1.21 GiB');
    const longest = Math.max(...labels.map((label) => label.length));
    const plotLeft = Number(/translate\(([\d.]+)/.exec(container.querySelector('svg > g')?.getAttribute('transform') ?? '')?.[1]);
    // 11 px digits are about 6.2 px wide; the tick and a gap take 12 px more.
    expect(plotLeft).toBeGreaterThanOrEqual(longest * 6.2 + 12);
  });

  it('shows a tooltip on a sparkline too', () => {
    renderWithProviders(<TimeSeriesChart series={[{ id: 3, name: 'node_network_receive_bytes_per_second', labels: {}, timestamps: [0, 60_000], values: [1024, 2048] }]} width={200} height={48} title="rx" compact />);
    const overlay = screen.getByTestId('chart-overlay');
    overlay.getBoundingClientRect = () => ({ left: 0, top: 0, right: 196, bottom: 44, width: 196, height: 44, x: 0, y: 0, toJSON: () => ({}) });
    fireEvent.pointerMove(overlay, { clientX: 195, pointerId: 1 });
    expect(screen.getByText('2 KiB/s')).toBeTruthy();
  });
});

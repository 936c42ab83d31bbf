import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { onAPhone } from '../../test/phone-screen.ts';
import { MetricsView } from './MetricsView.tsx';

function renderMetrics() {
  const answer = async () => ({ series: [{ name: 'cpu_utilisation_ratio', labels: { host: 'web-1' } }] });
  renderWithProviders(
    <PlatformProvider platform={webPlatform(answer)}>
      <MetricsView />
    </PlatformProvider>,
  );
}

/** The width a picker's wrapper is given (the `w` style prop). */
const widthOf = (label: string) => (screen.getAllByLabelText(label).find((element) => element.tagName === 'INPUT')!.closest('.mantine-InputWrapper-root') as HTMLElement).style.width;

describe('MetricsView pickers', () => {
  // At 390 px the metric and overlay pickers were 300 px boxes beside an empty strip, the
  // labels picker wider than both: on a phone every picker takes the screen's width.
  it('take the whole width on a phone', async () => {
    onAPhone();
    renderMetrics();
    expect(await screen.findByText(/metrics available/)).toBeTruthy();
    expect(['Metric', 'Overlay metrics', 'Labels'].map(widthOf)).toEqual(['100%', '100%', '100%']);
    expect(screen.getByRole('radiogroup', { name: 'Time range' }).closest('.mantine-SegmentedControl-root')?.getAttribute('data-full-width')).toBe('true');
  });

  it('keep their own widths side by side on a wide screen', async () => {
    renderMetrics();
    expect(await screen.findByText(/metrics available/)).toBeTruthy();
    expect(widthOf('Metric')).not.toBe('100%');
  });
});

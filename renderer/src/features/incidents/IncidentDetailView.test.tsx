import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { AppError } from '../../../../shared/errors.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { IncidentDetailView } from './IncidentDetailView.tsx';

function renderIncident(answer: () => Promise<unknown>) {
  renderWithProviders(
    <PlatformProvider platform={webPlatform(answer)}>
      <IncidentDetailView params={{ id: '42' }} />
    </PlatformProvider>,
  );
}

describe('IncidentDetailView', () => {
  it('keeps the way back to the list while the incident loads', () => {
    renderIncident(() => new Promise(() => undefined));
    expect(screen.getByRole('status', { name: 'Loading' })).toBeTruthy();
    expect(screen.getByRole('link', { name: '← Incidents' }).getAttribute('href')).toBe('#/incidents');
  });

  it('keeps the way back to the list when the incident cannot be loaded', async () => {
    renderIncident(async () => { throw new AppError('E_NOT_FOUND'); });
    expect(await screen.findByText('E_NOT_FOUND')).toBeTruthy();
    expect(screen.getByRole('link', { name: '← Incidents' }).getAttribute('href')).toBe('#/incidents');
  });
});

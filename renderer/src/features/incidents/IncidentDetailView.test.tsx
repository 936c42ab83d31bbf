import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { AppError } from '../../../../shared/errors.ts';
import { createApiClient } from '../../../../shared/api/client.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import type { Platform } from '../../platform/types.ts';
import { IncidentDetailView } from './IncidentDetailView.tsx';

function platformAnswering(answer: () => Promise<unknown>): Platform {
  return {
    kind: 'web',
    api: createApiClient(answer),
    bridge: null,
    restoreSession: async () => ({ state: 'signed-out' }),
    signIn: async () => ({ state: 'signed-out' }),
    signOut: async () => ({ state: 'signed-out' }),
    changePassword: async () => ({ state: 'signed-out' }),
    onSessionChange: () => () => undefined,
    openStream: () => () => undefined,
  };
}

function renderIncident(answer: () => Promise<unknown>) {
  renderWithProviders(
    <PlatformProvider platform={platformAnswering(answer)}>
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

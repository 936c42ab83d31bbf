import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { Role } from '../../../../shared/auth/permissions.ts';
import type { Incident } from '../../../../shared/api/incidents.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import type { Platform } from '../../platform/types.ts';
import { webPlatform } from '../../test/web-platform.ts';
import { IncidentControls } from './IncidentControls.tsx';

const incident: Incident = {
  id: 7, title: 'disk full on db-1', severity: 'critical', status: 'open', commander: null, groupKey: 'alertname=DiskFull',
  openedAt: 0, lastActivityAt: 0, mitigatedAt: null, resolvedAt: null, mergedInto: null, alertCount: 1, firingCount: 1, acknowledgedCount: 0, updatedAt: 0,
};

function signedInAs(role: Role): Platform {
  const user = { id: 1, username: role, role, disabled: false, mustChangePassword: false, createdAt: 0 };
  return webPlatform(undefined, {
    restoreSession: async () => ({ state: 'signed-in', user }),
    signIn: async () => ({ state: 'signed-in', user }),
    changePassword: async () => ({ state: 'signed-in', user }),
  });
}

function renderAs(role: Role) {
  renderWithProviders(
    <PlatformProvider platform={signedInAs(role)}>
      <SessionProvider>
        <IncidentControls incident={incident} />
      </SessionProvider>
    </PlatformProvider>,
  );
}

describe('IncidentControls', () => {
  it('tells a viewer why status and commander are greyed out', async () => {
    renderAs('viewer');
    expect(await screen.findAllByText('Read only for your role')).toHaveLength(2);
    const status = screen.getByLabelText('Status', { selector: 'input' });
    expect(status).toHaveProperty('disabled', true);
    expect(status.getAttribute('aria-describedby')).toBeTruthy();
  });

  it('says nothing of the kind to a role that can change them', async () => {
    renderAs('operator');
    await screen.findByText('Export');
    expect(screen.queryByText('Read only for your role')).toBeNull();
    expect(screen.getByLabelText('Commander', { selector: 'input' })).toHaveProperty('disabled', false);
  });
});

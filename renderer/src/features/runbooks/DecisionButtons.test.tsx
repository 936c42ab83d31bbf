import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { Run } from '../../../../shared/api/runbooks.ts';
import type { Role } from '../../../../shared/auth/permissions.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import type { Platform } from '../../platform/types.ts';
import { webPlatform } from '../../test/web-platform.ts';
import { DecisionButtons } from './DecisionButtons.tsx';

const REASON = 'Another person must approve your request';

/** Only the fields the buttons read matter; the rest is a plausible waiting run. */
const run = {
  id: 4, runbookId: 'restart-web', title: 'Restart web', state: 'pending_approval', reason: null, params: {}, planHash: 'ab',
  incidentId: null, alertId: null, dryRun: false, trigger: 'manual', approvalsRequired: 1, approvals: [],
  requestedBy: 'alice', requestedByKind: 'user', createdAt: 0, startedAt: null, finishedAt: null, updatedAt: 0, steps: [],
} as unknown as Run;

function signedInAs(username: string, role: Role): Platform {
  const user = { id: 1, username, role, disabled: false, mustChangePassword: false, createdAt: 0 };
  return webPlatform(undefined, {
    restoreSession: async () => ({ state: 'signed-in', user }),
    signIn: async () => ({ state: 'signed-in', user }),
    changePassword: async () => ({ state: 'signed-in', user }),
  });
}

function renderAs(username: string, role: Role) {
  renderWithProviders(
    <PlatformProvider platform={signedInAs(username, role)}>
      <SessionProvider>
        <DecisionButtons run={run} />
      </SessionProvider>
    </PlatformProvider>,
  );
}

describe('DecisionButtons', () => {
  it('shows the requester, in words on the page, why Approve is greyed out', async () => {
    renderAs('alice', 'operator');
    // A title on a disabled button is never shown: no hover on a phone, no event on a
    // disabled element, and a screen reader skips it. The reason is text, tied to the button.
    const reason = await screen.findByText(REASON);
    const approve = screen.getByRole('button', { name: 'Approve' });
    expect(approve).toHaveProperty('disabled', true);
    expect(approve.getAttribute('aria-describedby')).toBe(reason.id);
    expect(screen.getByRole('button', { name: 'Withdraw' })).toHaveProperty('disabled', false);
  });

  it('lets another operator approve, with no such note', async () => {
    renderAs('bob', 'operator');
    const approve = await screen.findByRole('button', { name: 'Approve' });
    expect(approve).toHaveProperty('disabled', false);
    expect(screen.getByRole('button', { name: 'Reject' })).toBeTruthy();
    expect(screen.queryByText(REASON)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { Run } from '../../../../shared/api/runbooks.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import { onAPhone } from '../../test/phone-screen.ts';
import { webPlatform } from '../../test/web-platform.ts';
import { ApprovalsView } from './ApprovalsView.tsx';

/** A run of restart-web waiting for one approval, requested by alice. */
const run = {
  id: 3, runbookId: 'restart-web', title: 'Restart the web service', target: 'service=web', state: 'pending_approval', reason: null,
  params: { service: 'web' }, planHash: 'ab', incidentId: null, alertId: null, dryRun: false, trigger: 'manual', approvalsRequired: 1, approvals: [],
  requestedBy: 'alice', requestedByKind: 'user', createdAt: 0, startedAt: null, finishedAt: null, updatedAt: 0, steps: [],
  plan: { steps: [{ name: 'restart', kind: 'run', timeoutMs: 30_000, argv: ['/bin/echo', 'restarting', 'web'] }] },
} as unknown as Run;

function renderApprovals(runs: Run[]) {
  const user = { id: 2, username: 'bob', role: 'operator' as const, disabled: false, mustChangePassword: false, createdAt: 0 };
  const platform = webPlatform(async () => ({ runs }), { restoreSession: async () => ({ state: 'signed-in', user }) });
  renderWithProviders(
    <PlatformProvider platform={platform}>
      <SessionProvider>
        <ApprovalsView />
      </SessionProvider>
    </PlatformProvider>,
  );
}

describe('ApprovalsView', () => {
  it('lists waiting runs as a table on a wide screen', async () => {
    renderApprovals([run]);
    expect(await screen.findByRole('table', { name: 'Approvals' })).toBeTruthy();
  });

  // On a phone the table scrolled in its own box and Approve and Reject sat past its right
  // edge, off screen: the approver saw the plan but no button to act on it.
  it('shows one card per run on a phone, its Approve and Reject buttons in it', async () => {
    onAPhone();
    renderApprovals([run]);
    const card = await screen.findByRole('listitem', { name: '#3 Restart the web service' });
    expect(card.textContent).toContain('"/bin/echo" "restarting" "web"');
    expect(card.textContent).toContain('0 / 1 approvals');
    expect(await screen.findByRole('button', { name: 'Approve' })).toBeTruthy();
    expect(card.contains(screen.getByRole('button', { name: 'Approve' }))).toBe(true);
    expect(screen.queryByRole('table', { name: 'Approvals' })).toBeNull();
  });

  // It said only "Nothing waits for approval": not what would wait here, nor from where.
  it('says what waits here when nothing does', async () => {
    renderApprovals([]);
    expect(await screen.findByText(/Runs of runbooks in approve mode wait here/)).toBeTruthy();
  });
});

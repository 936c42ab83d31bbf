import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { createApiClient, type ApiRequest } from '../../../../shared/api/client.ts';
import type { Run } from '../../../../shared/api/runbooks.ts';
import type { Role } from '../../../../shared/auth/permissions.ts';
import { useState } from 'react';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import type { Platform } from '../../platform/types.ts';
import { webPlatform } from '../../test/web-platform.ts';
import { CancelRunButton } from './CancelRunButton.tsx';

/** Only the fields the button reads matter; the rest is a plausible running run. */
const runOf = (state: Run['state'], role: Role = 'operator'): Run => ({
  id: 4, runbookId: 'restart-web', title: 'Restart web', state, reason: null, params: {}, planHash: 'ab',
  plan: { safety: { mode: 'manual', role, approvers: 0, cooldownMs: 0, maxRunsPerHour: 10, concurrency: 1 } },
  incidentId: null, alertId: null, dryRun: false, trigger: 'manual', approvalsRequired: 0, approvals: [], cancelRequestedBy: null,
  requestedBy: 'alice', requestedByKind: 'user', createdAt: 0, startedAt: 0, finishedAt: null, updatedAt: 0, steps: [],
}) as unknown as Run;

function renderAs(role: Role, run: Run) {
  const requests: ApiRequest[] = [];
  const user = { id: 1, username: 'bob', role, disabled: false, mustChangePassword: false, createdAt: 0 };
  // Every API call the button makes, as the transport receives it.
  const transport = async (request: ApiRequest) => {
    requests.push(request);
    return { ...run, state: 'cancelled' };
  };
  const platform: Platform = webPlatform(undefined, { api: createApiClient(transport), restoreSession: async () => ({ state: 'signed-in', user }) });
  // The run shown can be swapped, as a stream event swaps it on the run page.
  let swap: (next: Run) => void = () => undefined;
  function Shown() {
    const [shown, setShown] = useState(run);
    swap = setShown;
    return <CancelRunButton run={shown} />;
  }
  renderWithProviders(
    <PlatformProvider platform={platform}>
      <SessionProvider>
        <Shown />
      </SessionProvider>
    </PlatformProvider>,
  );
  return { requests, show: (next: Run) => act(() => swap(next)) };
}

describe('CancelRunButton', () => {
  it('asks for confirmation, then cancels the run with the reason given', async () => {
    const { requests } = renderAs('operator', runOf('running'));
    const button = await screen.findByRole('button', { name: 'Cancel run' });
    await waitFor(() => expect(button).toHaveProperty('disabled', false));
    fireEvent.click(button);
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/no further step runs, not even the rollback/)).toBeTruthy();
    expect(requests).toEqual([]);
    fireEvent.change(within(dialog).getByLabelText('Reason (optional)'), { target: { value: 'wrong host' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel run' }));
    await waitFor(() => expect(requests).toEqual([{ method: 'POST', path: '/api/v1/runbook-runs/4/cancel', body: { reason: 'wrong host' } }]));
  });

  it('does nothing when the confirmation is declined', async () => {
    const { requests } = renderAs('operator', runOf('pending_approval'));
    const button = await screen.findByRole('button', { name: 'Cancel run' });
    await waitFor(() => expect(button).toHaveProperty('disabled', false));
    fireEvent.click(button);
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: "Don't cancel" }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requests).toEqual([]);
  });

  it('is greyed out for a viewer, with the reason written under it', async () => {
    renderAs('viewer', runOf('running'));
    const reason = await screen.findByText('Cancelling this run needs the operator role');
    const button = screen.getByRole('button', { name: 'Cancel run' });
    expect(button).toHaveProperty('disabled', true);
    expect(button.getAttribute('aria-describedby')).toBe(reason.id);
  });

  it("is greyed out for an operator when the runbook's safety.role is admin", async () => {
    renderAs('operator', runOf('queued', 'admin'));
    expect(await screen.findByText('Cancelling this run needs the admin role')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel run' })).toHaveProperty('disabled', true);
  });

  it('is not offered once the run has ended', async () => {
    const { show } = renderAs('admin', runOf('running'));
    const button = await screen.findByRole('button', { name: 'Cancel run' });
    await waitFor(() => expect(button).toHaveProperty('disabled', false));
    show(runOf('cancelled'));
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
  });
});

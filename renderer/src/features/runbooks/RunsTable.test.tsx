import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { Run } from '../../../../shared/api/runbooks.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { RunsTable } from './RunsTable.tsx';

/** Only the fields the table shows matter; the rest is a plausible finished run. */
const run = {
  id: 9, runbookId: 'restart-web', title: 'Restart the web service', state: 'succeeded', reason: null, params: {}, planHash: 'ab', target: 'web',
  incidentId: null, alertId: null, dryRun: false, trigger: 'manual', approvalsRequired: 0, approvals: [],
  requestedBy: 'alice', requestedByKind: 'user', createdAt: 0, startedAt: 0, finishedAt: 0, updatedAt: 0, steps: [],
} as unknown as Run;

describe('RunsTable', () => {
  it('names each run\'s runbook in the list of all recent runs', () => {
    renderWithProviders(<RunsTable runs={[run]} label="Recent runs" />);
    expect(screen.getByRole('columnheader', { name: 'Runbook' })).toBeTruthy();
    expect(screen.getByText('Restart the web service')).toBeTruthy();
  });

  // On the runbook's own page every row named the same runbook, and that column pushed
  // "Requested by" and "When" out of the half-width card at 1440 px (sideways scrolling).
  it('leaves the runbook out of its own history', () => {
    renderWithProviders(<RunsTable runs={[run]} label="Run history" showRunbook={false} />);
    expect(screen.queryByRole('columnheader', { name: 'Runbook' })).toBeNull();
    expect(screen.getByRole('columnheader', { name: 'Requested by' })).toBeTruthy();
    expect(screen.getByText('alice')).toBeTruthy();
  });
});

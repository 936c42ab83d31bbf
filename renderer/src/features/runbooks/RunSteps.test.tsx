import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { Run } from '../../../../shared/api/runbooks.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { RunSteps } from './RunSteps.tsx';

/** Only the steps matter here; the rest is a plausible finished run. */
const run = {
  id: 7, runbookId: 'diagnose', title: 'Diagnose', state: 'succeeded', reason: null, params: {}, planHash: 'ab',
  incidentId: null, alertId: null, dryRun: false, trigger: 'manual', approvalsRequired: 0, approvals: [],
  requestedBy: 'alice', requestedByKind: 'user', createdAt: 0, startedAt: 0, finishedAt: 96_000, updatedAt: 96_000,
  steps: [
    { seq: 1, phase: 'step', name: 'drain', kind: 'run', state: 'succeeded', exitCode: 0, startedAt: 0, finishedAt: 95_432, durationMs: 95_432, output: 'drained', truncated: false, error: null },
    { seq: 2, phase: 'step', name: 'print', kind: 'run', state: 'succeeded', exitCode: 0, startedAt: 95_432, finishedAt: 95_573, durationMs: 141, output: 'line 1\nline 2', truncated: true, error: null },
  ],
} as unknown as Run;

describe('RunSteps', () => {
  // A step that ran a minute and a half read "95432 ms".
  it('gives each step its duration in readable units', () => {
    renderWithProviders(<RunSteps run={run} />);
    expect(screen.getByText('run · exit 0 · 1 min 35 s')).toBeTruthy();
    expect(screen.getByText('run · exit 0 · 141 ms')).toBeTruthy();
  });
});

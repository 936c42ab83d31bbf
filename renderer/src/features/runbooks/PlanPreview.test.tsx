import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { Plan } from '../../../../shared/api/runbooks.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlanPreview } from './PlanPreview.tsx';

const HOST = 'ip-10-0-1-1.eu-central-1.compute.internal.example-corp';

const plan: Plan = {
  runbookId: 'diagnose', title: 'Diagnose', params: {}, incidentId: null, targets: ['*'],
  steps: [
    { name: 'print', kind: 'run', timeoutMs: 30_000, argv: ['/usr/bin/seq', '-f', `line %g of the diagnostics output from ${HOST}`, '2000'] },
    { name: 'settle', kind: 'wait', timeoutMs: 0, durationMs: 300_000 },
    { name: 'hush', kind: 'silence', timeoutMs: 0, durationMs: 5_400_000, match: { instance: HOST } },
  ],
  rollback: [],
  verify: { source: 'local', query: 'up', op: '==', threshold: 1, withinMs: 90_000 },
  safety: { mode: 'approve', role: 'operator', approvers: 1, cooldownMs: 600_000, maxRunsPerHour: 3, concurrency: 1 },
  state: { cooldownLeftMs: 0, runsLeftThisHour: 3, globalRunsLeftThisHour: 20, activeRuns: 0, breaker: { state: 'closed', failures: 0, threshold: 3, windowMs: 3_600_000, closesAt: null }, blockedBy: null },
  hash: 'adaa0558d81d18ffc915d6dbca430c907db563ea323bb0f958637c5a4c5a5164',
};

describe('PlanPreview', () => {
  // The argv line of a step stayed on one line: on a phone it widened the run page (and the
  // run dialog) to 954 px, its Run and Cancel buttons off screen.
  it('wraps a long step line inside its box instead of widening the page', () => {
    renderWithProviders(<PlanPreview plan={plan} />);
    const line = screen.getByText((text) => text.startsWith('"/usr/bin/seq"'));
    expect(getComputedStyle(line).whiteSpace).toBe('pre-wrap');
    expect(line.classList.contains('sco-wrap-anywhere')).toBe(true);
  });

  // A five-minute wait read "300000 ms", a 90 s verify "within 2 min".
  it('says how long waits, silences and the verify window last, exactly', () => {
    renderWithProviders(<PlanPreview plan={plan} />);
    expect(screen.getByText('5 min')).toBeTruthy();
    expect(screen.getByText(`{"instance":"${HOST}"} for 1 h 30 min`)).toBeTruthy();
    expect(screen.getByText(/within 1 min 30 s/)).toBeTruthy();
  });
});

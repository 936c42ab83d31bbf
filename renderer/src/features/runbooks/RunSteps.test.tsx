import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen } from '@testing-library/react';
import type { Run } from '../../../../shared/api/runbooks.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { appendRunOutput } from './live-output.ts';
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

  // "[output truncated]" after line 691 of 2,000 left the reader wondering where the rest went.
  it('says where the rest of a cut output went', () => {
    renderWithProviders(<RunSteps run={run} />);
    const [, cut] = screen.getAllByTestId('step-output');
    expect(cut!.textContent).toContain('[output truncated here: the rest was not kept (SMARTCLOUDOPS_RUNBOOK_OUTPUT_LIMIT, 64 KiB by default)]');
  });

  // 2,000 lines scroll inside a 320 px box that the Tab key skipped: a keyboard user saw
  // the first twenty lines only (axe: scrollable-region-focusable, serious).
  it('lets the keyboard scroll the output of a step, named by the step', () => {
    renderWithProviders(<RunSteps run={run} />);
    const output = screen.getByRole('region', { name: 'Output of print' });
    expect(output.tabIndex).toBe(0);
    expect(output).toBe(screen.getAllByTestId('step-output')[1]);
  });
});

/** A box of `clientHeight` showing `scrollHeight` of text: the layout jsdom does not do. */
function fakeScrollBox(element: HTMLElement, size: { clientHeight: number; scrollHeight: () => number }): { scrollTop: number } {
  const box = { scrollTop: 0 };
  Object.defineProperty(element, 'clientHeight', { configurable: true, get: () => size.clientHeight });
  Object.defineProperty(element, 'scrollHeight', { configurable: true, get: size.scrollHeight });
  Object.defineProperty(element, 'scrollTop', { configurable: true, get: () => box.scrollTop, set: (value: number) => { box.scrollTop = value; } });
  return box;
}

describe('RunSteps while a step runs', () => {
  const running = {
    ...run, id: 8, state: 'running', finishedAt: null,
    steps: [{ seq: 1, phase: 'step', name: 'print', kind: 'run', state: 'running', exitCode: null, startedAt: 0, finishedAt: null, durationMs: null, output: '', truncated: false, error: null }],
  } as unknown as Run;

  // 2,000 lines streamed into a 320 px box: the new lines arrived below the fold and the
  // engineer watching the step saw the first screen only, until they scrolled by hand.
  it('keeps the newest output in view as it arrives', () => {
    act(() => appendRunOutput({ runId: 8, seq: 1, step: 'print', stream: 'stdout', text: 'line 1\n' }));
    renderWithProviders(<RunSteps run={running} />);
    let lines = 1;
    const box = fakeScrollBox(screen.getByTestId('step-output'), { clientHeight: 320, scrollHeight: () => lines * 18 });
    lines = 2000;
    act(() => appendRunOutput({ runId: 8, seq: 1, step: 'print', stream: 'stdout', text: 'line 2\n...\nline 2000\n' }));
    expect(box.scrollTop).toBe(2000 * 18);
  });

  it('leaves the box where the reader scrolled it', () => {
    act(() => appendRunOutput({ runId: 9, seq: 1, step: 'print', stream: 'stdout', text: 'line 1\n' }));
    renderWithProviders(<RunSteps run={{ ...running, id: 9 } as Run} />);
    let lines = 100;
    const output = screen.getByTestId('step-output');
    const box = fakeScrollBox(output, { clientHeight: 320, scrollHeight: () => lines * 18 });
    box.scrollTop = 200;
    fireEvent.scroll(output);
    lines = 200;
    act(() => appendRunOutput({ runId: 9, seq: 1, step: 'print', stream: 'stdout', text: 'line 101\n' }));
    expect(box.scrollTop).toBe(200);
  });
});

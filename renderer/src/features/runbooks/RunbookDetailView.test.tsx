import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { RunbookDetail, RunbookSummary } from '../../../../shared/api/runbooks.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { RunbookDetailView } from './RunbookDetailView.tsx';

function runbook(cooldownMs: number): RunbookSummary {
  return {
    id: 'restart-web', title: 'Restart the web service', description: 'Restarts it.', file: 'restart.yaml', params: {},
    safety: { mode: 'approve', role: 'operator', approvers: 1, cooldownMs, maxRunsPerHour: 3, concurrency: 1 },
    stepCount: 1, hasVerify: false, hasRollback: false, triggerCount: 0,
  };
}

function renderDetail(cooldownMs: number) {
  const detail = { runbook: runbook(cooldownMs), definition: {}, source: 'id: restart-web' } as unknown as RunbookDetail;
  const answer = async (request?: unknown) => ((request as { path: string }).path.endsWith('/runbooks/restart-web') ? detail : { runs: [] });
  renderWithProviders(
    <PlatformProvider platform={webPlatform(answer as () => Promise<unknown>)}>
      <SessionProvider>
        <RunbookDetailView params={{ id: 'restart-web' }} />
      </SessionProvider>
    </PlatformProvider>,
  );
}

describe('RunbookDetailView', () => {
  // A ten-minute cooldown read "cooldown 600 s", and none at all "cooldown 0 s" (the plan of
  // the same runbook said "cooldown none").
  it('says the cooldown in minutes and hours', async () => {
    renderDetail(600_000);
    expect(await screen.findByText(/· cooldown 10 min ·/)).toBeTruthy();
  });

  it('says there is none when there is none', async () => {
    renderDetail(0);
    expect(await screen.findByText(/· no cooldown ·/)).toBeTruthy();
  });

  // The file's long lines scroll sideways inside their box; a keyboard could not reach them
  // (axe: scrollable-region-focusable, serious).
  it('lets the keyboard scroll the runbook file', async () => {
    renderDetail(0);
    const file = await screen.findByRole('region', { name: 'Runbook file restart.yaml' });
    expect(file.tabIndex).toBe(0);
    expect(file.textContent).toBe('id: restart-web');
  });
});

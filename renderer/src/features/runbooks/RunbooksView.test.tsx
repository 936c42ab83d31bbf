import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import type { RunbookSummary } from '../../../../shared/api/runbooks.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { RunbooksView } from './RunbooksView.tsx';

function runbook(id: string, title: string): RunbookSummary {
  return {
    id, title, description: '', file: `${id}.yaml`, params: {},
    safety: { mode: 'approve', role: 'operator', approvers: 1, cooldownMs: 0, maxRunsPerHour: 3, concurrency: 1 },
    stepCount: 1, hasVerify: false, hasRollback: false, triggerCount: 0,
  };
}

function renderList(runbooks: RunbookSummary[]) {
  const answer = async (request?: unknown) => ((request as { path: string }).path.endsWith('/runbooks') ? { runbooks, invalid: [] } : { runs: [] });
  renderWithProviders(
    <PlatformProvider platform={webPlatform(answer as () => Promise<unknown>)}>
      <SessionProvider>
        <RunbooksView />
      </SessionProvider>
    </PlatformProvider>,
  );
}

const titles = async () => within(await screen.findByRole('table', { name: 'Runbooks' })).getAllByRole('link').map((link) => link.textContent);

describe('RunbooksView', () => {
  // The server lists runbooks by id compared as text: a folder of thirty read
  // "Restart service 1, 10, 11 … 19, 2, 20".
  it('lists runbooks by title, numbers in their order', async () => {
    renderList(['1', '10', '11', '2', '20', '3'].map((n) => runbook(`rb-${n}`, `Restart service ${n}`)));
    expect(await titles()).toEqual(['1', '2', '3', '10', '11', '20'].map((n) => `Restart service ${n}`));
  });

  it('ignores case, and keeps two runbooks of one title in id order', async () => {
    renderList([runbook('b', 'restart web'), runbook('c', 'Drain node'), runbook('a', 'Restart web')]);
    expect(await titles()).toEqual(['Drain node', 'Restart web', 'restart web']);
  });
});

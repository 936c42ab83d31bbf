import { describe, expect, it } from 'vitest';
import { act, screen } from '@testing-library/react';
import { AppError } from '../../../../shared/errors.ts';
import type { AuditEntry } from '../../../../shared/api/audit.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { onAPhone } from '../../test/phone-screen.ts';
import { AuditView } from './AuditView.tsx';

const entry: AuditEntry = { id: 1, ts: Date.UTC(2026, 11, 6, 11, 19), actor: 'admin', actorKind: 'user', action: 'auth.login', target: null, outcome: 'success', ip: '127.0.0.1', details: null };

function renderAudit(answer: () => Promise<unknown>) {
  return renderWithProviders(
    <PlatformProvider platform={webPlatform(answer)}>
      <AuditView />
    </PlatformProvider>,
  );
}

describe('AuditView', () => {
  it('says it is loading while the first page is on its way', () => {
    renderAudit(() => new Promise(() => undefined));
    expect(screen.getByRole('status', { name: 'Loading' })).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Audit entries' })).toBeNull();
  });

  it('shows the entries as a table on a wide screen', async () => {
    renderAudit(async () => ({ entries: [entry], nextBefore: null }));
    expect(await screen.findByRole('table', { name: 'Audit entries' })).toBeTruthy();
  });

  it('shows one card per entry on a phone, not a table wider than the screen', async () => {
    onAPhone();
    renderAudit(async () => ({ entries: [entry], nextBefore: null }));
    const list = await screen.findByRole('list', { name: 'Audit entries' });
    expect(list.querySelectorAll('[role="listitem"]')).toHaveLength(1);
    expect(screen.getByRole('listitem', { name: 'auth.login by admin' }).textContent).toContain('127.0.0.1');
    expect(screen.queryByRole('table', { name: 'Audit entries' })).toBeNull();
  });

  it('keeps the entries it has when a refresh fails, and says they are not up to date', async () => {
    let down = false;
    const { queryClient } = renderAudit(async () => { if (down) throw new AppError('E_NETWORK', 'The server cannot be reached'); return { entries: [entry], nextBefore: null }; });
    expect(await screen.findByRole('table', { name: 'Audit entries' })).toBeTruthy();
    down = true;
    await act(() => queryClient.refetchQueries());
    expect((await screen.findByRole('status', { name: 'Not up to date' })).textContent).toContain('E_NETWORK');
    expect(screen.getByRole('table', { name: 'Audit entries' }).textContent).toContain('auth.login');
  });
});

import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { createApiClient, type ApiRequest } from '../../../../shared/api/client.ts';
import type { RunbookSummary } from '../../../../shared/api/runbooks.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { RunDialog } from './RunDialog.tsx';

const rotate: RunbookSummary = {
  id: 'rotate', title: 'Rotate the database password', description: '', file: 'rotate.yaml',
  params: { cluster: { type: 'string' }, password: { type: 'string', description: 'The new password.' }, api_token: { type: 'string', default: '[redacted]' } },
  safety: { mode: 'approve', role: 'operator', approvers: 1, cooldownMs: 0, maxRunsPerHour: 10, concurrency: 1 },
  stepCount: 1, hasVerify: false, hasRollback: false, triggerCount: 0,
};

describe('RunDialog', () => {
  // docs/runbooks.md, "Secret parameters": a credential asked at run time is typed hidden, and
  // the [redacted] the server shows for a secret default is never sent back as its value.
  it('asks for secret parameters in password fields, empty, and sends only what was typed', async () => {
    const requests: ApiRequest[] = [];
    const platform = webPlatform(undefined, { api: createApiClient(async (request: ApiRequest) => { requests.push(request); return new Promise(() => undefined); }) });
    renderWithProviders(
      <PlatformProvider platform={platform}>
        <RunDialog runbook={rotate} opened onClose={() => undefined} />
      </PlatformProvider>,
    );
    const password = await screen.findByLabelText(/^password/);
    const token = screen.getByLabelText(/^api_token/);
    expect([password.getAttribute('type'), token.getAttribute('type'), screen.getByLabelText(/^cluster/).getAttribute('type') ?? 'text']).toEqual(['password', 'password', 'text']);
    expect((token as HTMLInputElement).value).toBe('');
    expect(screen.getByText(/Leave empty for the runbook's default/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText(/^cluster/), { target: { value: 'main' } });
    fireEvent.change(password, { target: { value: 'n3w-pa55word' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview plan' }));
    await waitFor(() => expect(requests).toEqual([{ method: 'POST', path: '/api/v1/runbooks/rotate/plan', body: { params: { cluster: 'main', password: 'n3w-pa55word' } } }]));
  });

  // Its callers unmount it when it closes (a fresh form each time), which skipped Mantine's
  // own return of focus: after Escape the focus fell to the page's body and the next Tab
  // started again at "Skip to content", far from the Run… button.
  it('gives the focus back to what opened it when it closes', async () => {
    function Opener() {
      const [open, setOpen] = useState(false);
      return (
        <>
          <button type="button" onClick={() => setOpen(true)}>Run…</button>
          {open && <RunDialog runbook={rotate} opened onClose={() => setOpen(false)} />}
        </>
      );
    }
    renderWithProviders(
      <PlatformProvider platform={webPlatform()}>
        <Opener />
      </PlatformProvider>,
    );
    const opener = screen.getByRole('button', { name: 'Run…' });
    opener.focus();
    fireEvent.click(opener);
    const dialog = await screen.findByRole('dialog');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.activeElement).toBe(opener);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import type { ChatCard } from '../../../../shared/api/chatops.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { ChatCardView, type CardActions } from './ChatCardView.tsx';

const actions = (overrides: Partial<CardActions> = {}): CardActions => ({ onConfirm: vi.fn(), onCancel: vi.fn(), settled: false, busy: false, ...overrides });

describe('ChatCardView', () => {
  it('draws a table card as a table with its columns and rows', () => {
    const card: ChatCard = { kind: 'table', intent: 'alerts.list', title: '2 firing alerts', text: '2 firing alerts.', columns: ['id', 'alert'], rows: [[1, 'HighCpu'], [2, null]] };
    renderWithProviders(<ChatCardView card={card} actions={actions()} />);
    const table = screen.getByRole('table', { name: '2 firing alerts' });
    expect(table.textContent).toContain('HighCpu');
    expect(screen.getAllByRole('row')).toHaveLength(3);
  });

  it('confirms with the card\'s token, and hides the buttons once settled', () => {
    const card: ChatCard = { kind: 'confirmation', intent: 'alert.ack', title: 'Confirm', text: 'Acknowledge alert 12', token: 'tok-123456789012345', expiresAt: Date.now() + 60_000, requiredPermission: 'alerts:write' };
    const onConfirm = vi.fn();
    const { unmount } = renderWithProviders(<ChatCardView card={card} actions={actions({ onConfirm })} />);
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(onConfirm).toHaveBeenCalledWith('tok-123456789012345');
    unmount();
    renderWithProviders(<ChatCardView card={card} actions={actions({ settled: true })} />);
    expect(screen.queryByRole('button', { name: 'Confirm' })).toBeNull();
  });

  it('shows an error with its alternatives', () => {
    const card: ChatCard = { kind: 'error', intent: 'unknown', title: 'Not understood', text: 'Not sure what you mean', code: 'E_BAD_REQUEST', alternatives: [{ intent: 'metrics.show', text: 'No target named "web-9".', confidence: 0.45 }] };
    renderWithProviders(<ChatCardView card={card} actions={actions()} />);
    expect(screen.getByText('Not understood')).toBeTruthy();
    expect(screen.getByText(/No target named "web-9"/)).toBeTruthy();
  });
});

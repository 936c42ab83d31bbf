import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { AppError } from '../../../shared/errors.ts';
import { renderWithProviders } from '../test/render.tsx';
import { ErrorPanel } from './ErrorPanel.tsx';

describe('ErrorPanel', () => {
  it('says an unreachable server once: the message, then what to do about it', () => {
    renderWithProviders(<ErrorPanel error={new AppError('E_NETWORK')} />);
    const panel = screen.getByRole('alert');
    const text = panel.textContent ?? '';
    expect(text.split('The server cannot be reached.').length - 1).toBe(1);
    expect(text).toContain('Check that the server is running and your network is up.');
    expect(text).toContain('E_NETWORK');
  });

  it('gives every failure its code and a way forward', () => {
    renderWithProviders(<ErrorPanel error={new AppError('E_FORBIDDEN')} />);
    const text = screen.getByRole('alert').textContent ?? '';
    expect(text).toContain('E_FORBIDDEN');
    expect(text).toContain('Ask an administrator.');
  });
});

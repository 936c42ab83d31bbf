import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import type { Datasource } from '../../../../shared/api/datasources.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { DatasourceForm } from './DatasourceForm.tsx';

const stored: Datasource = { id: 1, name: 'prom', type: 'prometheus', url: 'https://prom.example.com', auth: { type: 'bearer' }, tlsSkipVerify: false, timeoutSeconds: 30, scrapeIntervalSeconds: 15, createdAt: 0, updatedAt: 0, createdBy: 'admin' } as Datasource;

describe('DatasourceForm', () => {
  it('keeps the stored secret for the same server, and asks for it again (saying why) once the URL names another', () => {
    const onSubmit = vi.fn();
    renderWithProviders(<DatasourceForm current={stored} busy={false} onSubmit={onSubmit} />);
    const token = screen.getByLabelText(/^Token/);
    expect(token.getAttribute('placeholder')).toBe('Unchanged (stored encrypted, never shown)');
    expect(token.hasAttribute('required')).toBe(false);

    // Another path on the same server keeps it.
    fireEvent.change(screen.getByLabelText(/^URL/), { target: { value: 'https://prom.example.com/prometheus' } });
    expect(screen.getByLabelText(/^Token/).hasAttribute('required')).toBe(false);

    fireEvent.change(screen.getByLabelText(/^URL/), { target: { value: 'https://elsewhere.example.net' } });
    expect(screen.getByLabelText(/^Token/).hasAttribute('required')).toBe(true);
    expect(screen.getByText(/The URL now names another server: give its secret again/)).toBeTruthy();
  });
});

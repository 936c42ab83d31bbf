import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { renderWithProviders } from '../test/render.tsx';
import { PageHeader } from './PageHeader.tsx';

describe('PageHeader', () => {
  // Every page but the overview was headed by an h2 and had no h1: a screen reader's "next
  // heading of level 1" found nothing (axe: page-has-heading-one), and sections were h3.
  it('heads the page with its one h1', () => {
    renderWithProviders(<PageHeader title="Alerts" description="j/k to move." />);
    expect(screen.getByRole('heading', { level: 1, name: 'Alerts' })).toBeTruthy();
  });
});

import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { renderWithProviders } from '../test/render.tsx';
import { formatDateTime } from '../lib/format.ts';
import { TimeAgo } from './TimeAgo.tsx';

describe('TimeAgo', () => {
  // Lists said "8 h ago" and nothing more: which hour, in which zone, was nowhere on the page.
  it('says how long ago, with the moment itself (zone named) on hover and for machines', () => {
    const at = Date.UTC(2026, 11, 7, 6, 48, 6);
    renderWithProviders(<TimeAgo at={at} now={at + 8 * 3_600_000} />);
    const time = screen.getByText('8 h ago');
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('datetime')).toBe('2026-12-07T06:48:06.000Z');
    expect(time.getAttribute('title')).toBe(formatDateTime(at));
    expect(time.getAttribute('title')).toMatch(/2026, \d\d:48:06 \S+$/);
  });

  it('can lead with a word', () => {
    const at = Date.UTC(2026, 11, 7, 6, 48, 6);
    renderWithProviders(<TimeAgo at={at} now={at + 90_000} prefix="started" />);
    expect(screen.getByText('started 2 min ago').tagName).toBe('TIME');
  });
});

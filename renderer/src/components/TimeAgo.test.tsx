import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { renderWithProviders } from '../test/render.tsx';
import { formatDateTime, formatTime } from '../lib/format.ts';
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

  // A time no Date holds (a row stored before the server bounded times, or a hostile server's
  // 1e308 through the desktop app) threw a RangeError from toISOString/Intl and took the
  // whole view down with it.
  it('shows a time outside what a Date holds as the number, without throwing', () => {
    const now = Date.UTC(2026, 11, 7);
    renderWithProviders(<TimeAgo at={9e15} now={now} prefix="a" />);
    renderWithProviders(<TimeAgo at={-1e308} now={now} prefix="b" />);
    expect(screen.getByText('a 0 s ago').getAttribute('datetime')).toBe('9000000000000000');
    expect(screen.getByText(/^b .+ d ago$/).getAttribute('title')).toBe('-1e+308');
    expect(formatDateTime(Number.NaN)).toBe('NaN');
    expect(formatTime(8.64e15 + 1)).toBe('8640000000000001');
  });
});

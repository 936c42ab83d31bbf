import { describe, expect, it } from 'vitest';
import type { Severity } from '../../../shared/api/alerts.ts';
import { highestSeverity } from './highest-severity.ts';

describe('highestSeverity', () => {
  it('takes the highest', () => {
    expect(highestSeverity([{ severity: 'info' }, { severity: 'critical' }, { severity: 'warning' }])).toBe('critical');
    expect(highestSeverity([{ severity: 'info' }])).toBe('info');
  });

  // An alerts:write key raises 120,000 alerts into one incident in minutes (3,000 batches a
  // minute): a spread of their ranks as arguments overflowed the stack, and splitting such an
  // incident answered 500.
  it('takes the highest of 200,000 alerts', () => {
    const alerts = Array.from({ length: 200_000 }, (_, i): { severity: Severity } => ({ severity: i === 150_000 ? 'critical' : 'warning' }));
    expect(highestSeverity(alerts)).toBe('critical');
  });
});

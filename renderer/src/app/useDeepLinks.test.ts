import { describe, expect, it } from 'vitest';
import { pathOf } from './useDeepLinks.ts';

describe('where a deep link or a notification click opens the console', () => {
  it('maps every navigation target to its view', () => {
    expect(pathOf({ kind: 'incident', incidentId: '7' })).toBe('/incidents/7');
    expect(pathOf({ kind: 'alerts' })).toBe('/alerts');
    expect(pathOf({ kind: 'approvals' })).toBe('/approvals');
    // The replaced-server notice: the kept-offline incidents moved to the imported capsules.
    expect(pathOf({ kind: 'capsules' })).toBe('/capsules');
    expect(pathOf({ kind: 'acknowledge', alertId: 12 })).toMatch(/^\/alerts/);
  });
});

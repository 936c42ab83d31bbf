import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ Notification: class {} }));
const { waitsForApprovalOf } = await import('./approval-notifier.ts');

const run = (overrides: object) => ({ id: 1, state: 'pending_approval', requestedBy: 'alice', requestedByKind: 'user', ...overrides }) as Parameters<typeof waitsForApprovalOf>[0];

describe('approval notifications', () => {
  it('announce a run waiting for someone else, once', () => {
    expect(waitsForApprovalOf(run({}), 'bob', new Set())).toBe(true);
    expect(waitsForApprovalOf(run({}), 'bob', new Set([1]))).toBe(false);
  });

  it('stay quiet for your own request, other states and when signed out', () => {
    expect(waitsForApprovalOf(run({}), 'alice', new Set())).toBe(false);
    expect(waitsForApprovalOf(run({ state: 'running' }), 'bob', new Set())).toBe(false);
    expect(waitsForApprovalOf(run({}), null, new Set())).toBe(false);
    // A trigger's proposal (requested by the system) is for everyone.
    expect(waitsForApprovalOf(run({ requestedBy: 'trigger:ServiceDown', requestedByKind: 'system' }), 'trigger:ServiceDown', new Set())).toBe(true);
  });
});

import { describe, expect, it, vi } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import type { RelayedStreamEvent } from '../../../shared/ipc/channels/stream.ts';
import { ApprovalNotifier, waitsForApprovalOf, type ApprovalNotification } from './approval-notifier.ts';

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

  // A key's name is whatever its creator typed: an operator's key named "admin" (or an
  // Alertmanager receiver key named like a user) must not keep that user from hearing of it.
  it('announce a run requested by an API key named like you: only your own requests as a person are quiet', () => {
    expect(waitsForApprovalOf(run({ requestedBy: 'alice', requestedByKind: 'apiKey' }), 'alice', new Set())).toBe(true);
  });

  it('ask the server first: a replayed "waiting" event of a run decided since (a reconnect, the app starting) raises nothing', async () => {
    const shown: string[] = [];
    const current = new Map<number, Run>([
      [1, run({ id: 1, state: 'succeeded', title: 'Restart web', target: 'web-1', incidentId: null })],
      [2, run({ id: 2, title: 'Flush cache', target: 'cache-1', incidentId: 7 })],
    ]);
    const notifier = new ApprovalNotifier({
      username: () => 'bob',
      open: () => undefined,
      notifications: {
        isSupported: () => true,
        create: (options) => ({ on: () => undefined, show: () => void shown.push(options.title) }) as ApprovalNotification,
      },
      currentRun: async (id) => current.get(id)!,
    });
    const waiting = (id: number, title: string): RelayedStreamEvent => ({ id, type: 'runbook_run', data: run({ id, title, target: 'x', incidentId: null }) }) as RelayedStreamEvent;
    notifier.handle(waiting(1, 'Restart web'));
    notifier.handle(waiting(2, 'Flush cache'));
    await vi.waitFor(() => expect(shown).toEqual(['Approval needed: Flush cache']));
    // The replay had it already decided; only the run still waiting was announced.
    await new Promise((resolve) => setImmediate(resolve));
    expect(shown).toEqual(['Approval needed: Flush cache']);
  });
});

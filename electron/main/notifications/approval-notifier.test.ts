import { describe, expect, it, vi } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import type { RelayedStreamEvent } from '../../../shared/ipc/channels/stream.ts';
import { ApprovalNotifier, waitsForApprovalOf, type ApprovalNotification } from './approval-notifier.ts';
import { NOTIFICATION_BODY_MAX, NOTIFICATION_TITLE_MAX } from './notification-text.ts';

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
  it('a hostile server: malformed run events and answers raise nothing and throw nothing; the text is bounded and plain', async () => {
    const titles: Array<{ title: string; body: string }> = [];
    const answers = new Map<number, unknown>([[3, null], [4, { id: 4 }]]);
    const hostile = run({ id: 5, title: `Restart\u202E\u0007\n${'w'.repeat(100_000)}`, target: 'web-1\r\nClick here', incidentId: null });
    answers.set(5, hostile);
    const notifier = new ApprovalNotifier({
      username: () => 'bob',
      open: () => undefined,
      notifications: { isSupported: () => true, create: (options) => ({ on: () => undefined, show: () => void titles.push(options) }) as ApprovalNotification },
      currentRun: async (id) => answers.get(id) as Run,
    });
    for (const data of [null, undefined, 'run', {}, { id: 'x', state: 'pending_approval' }, { ...run({ id: 2 }), requestedBy: null }]) {
      expect(() => notifier.handle({ id: 1, type: 'runbook_run', data } as unknown as RelayedStreamEvent)).not.toThrow();
    }
    notifier.handle({ id: 2, type: 'runbook_run', data: run({ id: 3, title: 'A', target: 'x', incidentId: null }) } as RelayedStreamEvent);
    notifier.handle({ id: 3, type: 'runbook_run', data: run({ id: 4, title: 'B', target: 'x', incidentId: null }) } as RelayedStreamEvent);
    notifier.handle({ id: 4, type: 'runbook_run', data: hostile } as RelayedStreamEvent);
    await vi.waitFor(() => expect(titles).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Runs 3 and 4 were answered with no run: nothing said about them.
    expect(titles).toHaveLength(1);
    const [shown] = titles;
    expect(shown!.title.length).toBeLessThanOrEqual(NOTIFICATION_TITLE_MAX);
    expect(shown!.body.length).toBeLessThanOrEqual(NOTIFICATION_BODY_MAX);
    expect(shown!.title).toMatch(/^Approval needed: Restart w+…$/);
    expect(shown!.body).toBe('Run #5 on web-1 Click here, requested by alice.');
  });
});

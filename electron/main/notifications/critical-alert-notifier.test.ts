import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/api/alerts.ts';
import { CRITICAL_BURST, CriticalAlertNotifier, type NativeNotificationOptions, type NotificationFactory } from './critical-alert-notifier.ts';
import { NOTIFICATION_BODY_MAX, NOTIFICATION_TITLE_MAX } from './notification-text.ts';

const alert = { id: 42, labels: { alertname: 'DiskFull', host: 'db-1' }, annotations: { summary: 'Disk full on db-1', description: '98% used' } } as unknown as Alert;

/** Records what main would hand to Electron's Notification, and lets a test click it. */
function recorder(supported = true) {
  const shown: Array<{ options: NativeNotificationOptions; emit: (event: 'click' | 'action' | 'close') => void }> = [];
  const factory: NotificationFactory = {
    isSupported: () => supported,
    create(options) {
      const listeners = new Map<string, () => void>();
      const notification = { on: (event: string, listener: () => void) => listeners.set(event, listener), show: () => shown.push({ options, emit: (event) => listeners.get(event)?.() }) };
      return notification;
    },
  };
  return { factory, shown };
}

function setUp(platform: NodeJS.Platform, acknowledge: () => Promise<void> = async () => undefined, supported = true) {
  const { factory, shown } = recorder(supported);
  const calls: string[] = [];
  const notifier = new CriticalAlertNotifier({
    notifications: factory,
    platform,
    openAcknowledge: (a) => calls.push(`open-ack:${a.id}`),
    openAlerts: () => calls.push('open-alerts'),
    acknowledge: async (a) => {
      calls.push(`ack:${a.id}`);
      await acknowledge();
    },
    reportFailure: (a, message) => calls.push(`failed:${a.id}:${message}`),
  });
  return { notifier, shown, calls };
}

describe('critical alert notifications', () => {
  it('macOS: an Acknowledge button that acknowledges without opening the app', async () => {
    const { notifier, shown, calls } = setUp('darwin');
    notifier.notify(alert);
    expect(shown[0]?.options).toEqual({ title: 'Critical: Disk full on db-1', body: 'db-1 — 98% used', urgency: 'critical', timeoutType: 'never', actions: [{ type: 'button', text: 'Acknowledge' }] });
    shown[0]?.emit('action');
    await Promise.resolve();
    expect(calls).toEqual(['ack:42']);
    expect(notifier.pending).toBe(0);
  });

  it.each(['linux', 'win32'] as const)('%s: no buttons; a click opens the alert with its acknowledge form', (platform) => {
    const { notifier, shown, calls } = setUp(platform);
    notifier.notify(alert);
    expect(shown[0]?.options.actions).toBeUndefined();
    expect(notifier.pending).toBe(1);
    shown[0]?.emit('click');
    expect(calls).toEqual(['open-ack:42']);
    expect(notifier.pending).toBe(0);
  });

  it('a failed acknowledgement is reported (main then opens the form)', async () => {
    const { notifier, shown, calls } = setUp('darwin', async () => { throw new Error('E_NETWORK: server unreachable'); });
    notifier.notify(alert);
    shown[0]?.emit('action');
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['ack:42', 'failed:42:E_NETWORK: server unreachable']);
  });

  it('shows nothing where the system has no notifications', () => {
    const { notifier, shown } = setUp('linux', undefined, false);
    notifier.notify(alert);
    expect(shown).toEqual([]);
  });

  it('a storm of 1,000 critical alerts shows a few, then one summary that opens the alert list, not 1,000 notifications', () => {
    const { factory, shown } = recorder();
    const calls: string[] = [];
    let now = 0;
    const timers: Array<{ at: number; run: () => void }> = [];
    const notifier = new CriticalAlertNotifier({
      notifications: factory,
      platform: 'linux',
      openAcknowledge: (a) => calls.push(`open-ack:${a.id}`),
      openAlerts: () => calls.push('open-alerts'),
      acknowledge: async () => undefined,
      reportFailure: () => undefined,
      now: () => now,
      setTimer: (run, ms) => void timers.push({ at: now + ms, run }),
    });
    const advance = (ms: number) => {
      now += ms;
      for (const timer of timers.splice(0).sort((a, b) => a.at - b.at)) {
        if (timer.at <= now) timer.run();
        else timers.push(timer);
      }
    };
    for (let id = 1; id <= 1_000; id += 1) notifier.notify({ ...alert, id, annotations: { summary: `Host ${id} down` } } as Alert);
    advance(CRITICAL_BURST.summaryDelayMs);
    expect(shown.map((each) => each.options.title)).toEqual(['Critical: Host 1 down', 'Critical: Host 2 down', 'Critical: Host 3 down', 'Critical: 997 more alerts']);
    expect(shown[3]!.options.body).toMatch(/^Host 4 down, Host 5 down, Host 6 down and 994 more/);
    shown[3]!.emit('click');
    expect(calls).toEqual(['open-alerts']);

    // The storm goes on: at most one summary a window, counting what came since.
    for (let id = 1_001; id <= 1_010; id += 1) notifier.notify({ ...alert, id } as Alert);
    advance(CRITICAL_BURST.summaryDelayMs);
    expect(shown).toHaveLength(4);
    advance(CRITICAL_BURST.windowMs);
    expect(shown.map((each) => each.options.title).slice(4)).toEqual(['Critical: 10 more alerts']);

    // Once quiet for a window, each alert is its own notification again.
    advance(CRITICAL_BURST.windowMs);
    notifier.notify({ ...alert, id: 2_000 } as Alert);
    expect(shown.at(-1)!.options.title).toBe('Critical: Disk full on db-1');
  });
  it("a server's text is shown plain and bounded: no control or bidi characters, at most a few hundred characters", () => {
    const { notifier, shown } = setUp('linux');
    const hostile = { ...alert, id: 43, labels: { alertname: 'X', host: 'db-1\u202Eexe.txt' }, annotations: { summary: `Disk\u0000 full\r\n\u2066${'x'.repeat(100_000)}`, description: `\u001b[31mred\u001b[0m ${'y '.repeat(50_000)}` } } as unknown as Alert;
    notifier.notify(hostile);
    const options = shown[0]!.options;
    expect(options.title.length).toBeLessThanOrEqual(NOTIFICATION_TITLE_MAX);
    expect(options.body.length).toBeLessThanOrEqual(NOTIFICATION_BODY_MAX);
    expect(options.title).toMatch(/^Critical: Disk full x+…$/);
    expect(options.body).toMatch(/^db-1exe\.txt — \[31mred \[0m y y y/);
    expect(options.body.endsWith('…')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/api/alerts.ts';
import type { SequencedStreamEvent } from '../../../shared/api/stream.ts';
import { notifyInBrowser, type NotificationApi } from './browser-notifications.ts';

function alertEvent(overrides: Partial<Alert> = {}, action = 'created'): SequencedStreamEvent {
  const alert = {
    id: 7, severity: 'critical', silenced: false, state: 'firing', labels: { alertname: 'HighErrorRate', service: 'api', host: 'api-2' },
    annotations: { summary: 'Error rate above 5%', description: 'p95 errors 7%' }, ...overrides,
  } as unknown as Alert;
  return { id: 1, type: 'alert', data: { action, alert } } as unknown as SequencedStreamEvent;
}

function fakeApi(permission: NotificationPermission) {
  const shown: Array<{ title: string; options: NotificationOptions; closed: boolean; onclick: ((event: Event) => void) | null }> = [];
  const api: NotificationApi = {
    permission,
    create(title, options) {
      const notification = { title, options, closed: false, onclick: null as ((event: Event) => void) | null, close() { notification.closed = true; } };
      shown.push(notification);
      return notification;
    },
  };
  return { api, shown };
}

describe('browser notifications for critical alerts', () => {
  it('shows one with a sound, and a click opens the alert', () => {
    const { api, shown } = fakeApi('granted');
    let sounds = 0;
    const opened: number[] = [];
    expect(notifyInBrowser(alertEvent(), { api, enabled: true, playSound: () => { sounds += 1; }, open: (alert) => opened.push(alert.id) })).toBe(true);
    expect(shown).toHaveLength(1);
    expect(shown[0]?.title).toBe('Critical: Error rate above 5%');
    expect(shown[0]?.options).toMatchObject({ body: 'api-2 — p95 errors 7%', tag: 'critical-alert-7', requireInteraction: true });
    expect(sounds).toBe(1);
    shown[0]?.onclick?.(new Event('click'));
    expect(opened).toEqual([7]);
    expect(shown[0]?.closed).toBe(true);
  });

  it.each([
    ['not opted in', alertEvent(), 'granted', false],
    ['permission not granted', alertEvent(), 'default', true],
    ['permission denied', alertEvent(), 'denied', true],
    ['a warning', alertEvent({ severity: 'warning' }), 'granted', true],
    ['a silenced alert', alertEvent({ silenced: true }), 'granted', true],
    ['an update of a known alert', alertEvent({}, 'acknowledged'), 'granted', true],
  ] as const)('stays quiet for %s', (_, event, permission, enabled) => {
    const { api, shown } = fakeApi(permission);
    let sounds = 0;
    expect(notifyInBrowser(event, { api, enabled, playSound: () => { sounds += 1; }, open: () => undefined })).toBe(false);
    expect(shown).toHaveLength(0);
    expect(sounds).toBe(0);
  });

  it('re-fired critical alerts notify again', () => {
    const { api, shown } = fakeApi('granted');
    notifyInBrowser(alertEvent({}, 'refired'), { api, enabled: true, playSound: () => undefined, open: () => undefined });
    expect(shown).toHaveLength(1);
  });
});

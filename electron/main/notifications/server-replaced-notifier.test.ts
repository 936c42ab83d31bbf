import { describe, expect, it } from 'vitest';
import { ServerReplacedNotifier } from './server-replaced-notifier.ts';

function recorder(supported = true) {
  const shown: Array<{ title: string; body: string; click: () => void }> = [];
  const opened: string[] = [];
  const notifier = new ServerReplacedNotifier({
    openCapsules: () => opened.push('capsules'),
    notifications: {
      isSupported: () => supported,
      create: (options) => {
        const listeners = new Map<string, () => void>();
        return {
          on: (event: string, listener: () => void) => listeners.set(event, listener),
          show: () => shown.push({ title: options.title, body: options.body, click: () => listeners.get('click')?.() }),
        };
      },
    },
  });
  return { notifier, shown, opened };
}

describe('the replaced-server notice', () => {
  it('names the profile, says where the kept incidents went, and opens the imported capsules on a click', () => {
    const { notifier, shown, opened } = recorder();
    notifier.notify('Prod EU', [42, 43]);
    notifier.notify('Lab', [7]);
    notifier.notify('Lab', []);
    expect(shown.map(({ title, body }) => ({ title, body }))).toEqual([
      { title: 'Prod EU is not the server this app cached', body: 'Its data was replaced since the last sync. 2 incidents kept offline moved to Imported capsules; the sync starts again.' },
      { title: 'Lab is not the server this app cached', body: 'Its data was replaced since the last sync. Incident 7, kept offline, moved to Imported capsules; the sync starts again.' },
      { title: 'Lab is not the server this app cached', body: 'Its data was replaced since the last sync: the incidents cached from before are gone, and the sync starts again.' },
    ]);
    shown[0]!.click();
    expect(opened).toEqual(['capsules']);
  });

  it('stays quiet where the system has no notifications', () => {
    const { notifier, shown } = recorder(false);
    notifier.notify('Prod EU', [42]);
    expect(shown).toEqual([]);
  });
});

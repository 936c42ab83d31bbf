import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { denyPermissions, hardenWebContents } from './harden-contents.ts';

/** The events and calls of Electron's WebContents that hardening uses, emitted as Electron does. */
class Contents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
  attempt(event: string, details: Record<string, unknown> = {}): boolean {
    let prevented = false;
    this.emit(event, { ...details, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

function hardened() {
  const contents = new Contents();
  const opened: string[] = [];
  hardenWebContents(contents as unknown as WebContents, (url) => opened.push(url));
  return { contents, opened };
}

describe('web contents hardening', () => {
  it('denies every navigation and hands only https links to the system browser', () => {
    const { contents, opened } = hardened();
    expect(contents.attempt('will-navigate', { url: 'https://docs.example.com/a' })).toBe(true);
    expect(contents.attempt('will-navigate', { url: 'http://example.com/' })).toBe(true);
    expect(contents.attempt('will-navigate', { url: 'file:///etc/passwd' })).toBe(true);
    expect(contents.attempt('will-redirect', { url: 'https://elsewhere.example/' })).toBe(true);
    expect(contents.attempt('will-attach-webview')).toBe(true);
    expect(contents.attempt('will-frame-navigate', { isMainFrame: false, url: 'https://ads.example/' })).toBe(true);
    expect(opened).toEqual(['https://docs.example.com/a']);
  });

  it('denies new windows, opening https ones outside', () => {
    const { contents, opened } = hardened();
    expect(contents.openHandler?.({ url: 'https://example.com/popup' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.com/popup']);
  });

  it('answers every permission request and check with no', () => {
    const answers: boolean[] = [];
    const session = new EventEmitter() as EventEmitter & Record<string, unknown>;
    session.setPermissionRequestHandler = (handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void) =>
      ['media', 'geolocation', 'notifications', 'clipboard-read'].forEach((permission) => handler(null, permission, (granted) => answers.push(granted)));
    session.setPermissionCheckHandler = (handler: () => boolean) => answers.push(handler());
    session.setDevicePermissionHandler = (handler: () => boolean) => answers.push(handler());
    denyPermissions(session as unknown as Session);
    expect(answers).toEqual([false, false, false, false, false, false]);
  });
});

import type { Session, WebContents } from 'electron';
import { safeExternalUrl } from './external-links.ts';

/**
 * Every web contents main creates: no navigation away from the console, no new
 * windows, no <webview>. Links the console opens leave through `openExternal` only
 * when they are https.
 */
export function hardenWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  const leave = (url: string) => {
    const safe = safeExternalUrl(url);
    if (safe) openExternal(safe);
  };
  contents.setWindowOpenHandler(({ url }) => {
    leave(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    leave(event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Camera, microphone, notifications from the page, geolocation, USB, HID...: all denied. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => event.preventDefault());
}

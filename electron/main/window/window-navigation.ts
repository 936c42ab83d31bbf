import type { App, BrowserWindow } from 'electron';
import type { NavigationTarget } from '../../../shared/ipc/channels/app.ts';
import { DEEP_LINK_SCHEME, deepLinkFromArgv, parseDeepLink } from '../deep-links/parse-deep-link.ts';
import type { SendEvent } from '../ipc/send-event.ts';

/**
 * The main window and where it should go: deep links (`smartcloudops://…` from the OS, a
 * second instance or a notification) bring the window up and navigate the console; one
 * that arrives before the window can listen waits for `app.takeNavigation`.
 */
export class WindowNavigation {
  readonly #app: App;
  readonly #send: SendEvent;
  #openWindow: (() => BrowserWindow) | null = null;
  #window: BrowserWindow | null = null;
  #pending: NavigationTarget | null;

  constructor(app: App, send: SendEvent, argv: readonly string[]) {
    this.#app = app;
    this.#send = send;
    this.#pending = deepLinkFromArgv(argv);
  }

  /** Before `ready`: deep links from a second instance or the OS (macOS `open-url`). */
  listen(): void {
    this.#app.on('second-instance', (_event, argv) => {
      const target = deepLinkFromArgv(argv);
      if (target) this.navigate(target);
      else this.showWindow();
    });
    this.#app.on('open-url', (event, url) => {
      event.preventDefault();
      const target = parseDeepLink(url);
      if (target) this.navigate(target);
    });
    if (this.#app.isPackaged) this.#app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  }

  /** After `ready`: how to make a window; opens the first one. */
  open(openWindow: () => BrowserWindow): void {
    this.#openWindow = openWindow;
    this.#window = openWindow();
  }

  navigate(target: NavigationTarget): void {
    // macOS can deliver a deep link before the app is ready: keep it for the first window.
    if (!this.#app.isReady() || !this.#openWindow) {
      this.#pending = target;
      return;
    }
    this.showWindow();
    // A console that is still loading picks it up with app.takeNavigation once it listens.
    if (this.#window && !this.#window.webContents.isLoading()) this.#send('app.navigate', target);
    else this.#pending = target;
  }

  showWindow(): void {
    if (!this.#openWindow) return;
    if (!this.#window || this.#window.isDestroyed()) this.#window = this.#openWindow();
    if (this.#window.isMinimized()) this.#window.restore();
    this.#window.show();
    this.#window.focus();
  }

  /** The console asks once it listens: the deep link that arrived before it could. */
  takeNavigation(): NavigationTarget | null {
    const target = this.#pending;
    this.#pending = null;
    return target;
  }
}

import { showKept, type ShownNotification } from './kept-notifications.ts';

export interface ServerReplacedNotifierOptions {
  notifications: {
    isSupported(): boolean;
    create(options: { title: string; body: string; urgency: 'normal' }): ShownNotification<'click'>;
  };
  /** Opens the imported capsules (a click on the notification). */
  openCapsules: () => void;
}

/**
 * Says so when the server behind the profile turned out not to be the one its cache
 * mirrored (offline/server-replaced.ts): the cached incidents went, and the kept-offline
 * ones moved to the imported capsules, where a click opens them. Without it a reviewer
 * would find the incidents they kept gone from the profile's list with no word why.
 */
export class ServerReplacedNotifier {
  readonly #options: ServerReplacedNotifierOptions;
  readonly #shown = new Set<ShownNotification<'click'>>();

  constructor(options: ServerReplacedNotifierOptions) {
    this.#options = options;
  }

  notify(profileName: string, movedIncidentIds: readonly number[]): void {
    if (!this.#options.notifications.isSupported()) return;
    const moved = movedIncidentIds.length;
    const body =
      moved === 0
        ? 'Its data was replaced since the last sync: the incidents cached from before are gone, and the sync starts again.'
        : `Its data was replaced since the last sync. ${moved === 1 ? `Incident ${movedIncidentIds[0]}, kept offline, moved` : `${moved} incidents kept offline moved`} to Imported capsules; the sync starts again.`;
    const notification = this.#options.notifications.create({ title: `${profileName} is not the server this app cached`, body, urgency: 'normal' });
    showKept(this.#shown, notification, { click: () => this.#options.openCapsules() });
  }
}

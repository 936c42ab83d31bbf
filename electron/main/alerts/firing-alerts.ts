import type { Alert } from '../../../shared/api/alerts.ts';
import { isAlertDocument, isAlertEventData } from '../stream/server-documents.ts';

export interface FiringAlertsOptions {
  /** The number for the tray: firing, not silenced. */
  onCount: (count: number) => void;
  /** A critical alert started firing (or fired again after resolving). */
  onCritical: (alert: Alert) => void;
}

function counts(alert: Alert): boolean {
  return alert.state === 'firing' && !alert.silenced;
}

/**
 * Follows the alert events of the live stream to keep the tray count and raise one
 * native notification per critical firing episode (not per repeat of the same one).
 */
export class FiringAlerts {
  private readonly options: FiringAlertsOptions;
  /** Ids of the alerts firing now (only the count is used: the alerts themselves are not kept). */
  private readonly firing = new Set<number>();
  /** `<id>:<startsAt>` of episodes already notified, until they resolve or a new list leaves them out. */
  private readonly notified = new Set<string>();
  /** Between a (re)connection and the list that follows it: events may be replays of old news. */
  private awaitingReset = false;

  constructor(options: FiringAlertsOptions) {
    this.options = options;
  }

  count(): number {
    return this.firing.size;
  }

  /** Episodes remembered as announced (for tests and diagnostics). */
  get rememberedEpisodes(): number {
    return this.notified.size;
  }

  /**
   * The stream (re)opened and may replay events from before: until the list that follows
   * arrives, events update the count but notify nobody, because whatever still fires then
   * is "already firing before we looked" anyway.
   */
  expectReset(): void {
    this.awaitingReset = true;
  }

  /** The list did not come (server unreachable): notify again as events arrive. */
  cancelReset(): void {
    this.awaitingReset = false;
  }

  /** Starts from the server's list of firing alerts (at sign-in, after a stream reset). */
  reset(alerts: readonly Alert[]): void {
    this.awaitingReset = false;
    this.firing.clear();
    // What the list no longer names is over: only its episodes need remembering from here.
    this.notified.clear();
    // The server's list as it came: an item main cannot read is left out.
    for (const alert of alerts.filter((item: unknown) => isAlertDocument(item))) {
      if (counts(alert)) this.firing.add(alert.id);
      // Already firing before we looked: not news, no notification.
      this.notified.add(`${alert.id}:${alert.startsAt}`);
    }
    this.options.onCount(this.firing.size);
  }

  /** A live stream `alert` event's data, as the server sent it: anything but an alert event is ignored. */
  apply(data: unknown): void {
    if (!isAlertEventData(data)) return;
    const { action, alert } = data;
    const before = this.firing.size;
    if (counts(alert)) this.firing.add(alert.id);
    else this.firing.delete(alert.id);
    if (this.firing.size !== before) this.options.onCount(this.firing.size);

    const episode = `${alert.id}:${alert.startsAt}`;
    // A resolved episode never comes back (firing again is a new `startsAt`): forgotten, so a
    // process running for weeks does not remember every episode it ever announced.
    if (alert.state === 'resolved') {
      this.notified.delete(episode);
      return;
    }
    if (!this.awaitingReset && (action === 'created' || action === 'refired') && counts(alert) && alert.severity === 'critical' && !this.notified.has(episode)) {
      this.notified.add(episode);
      this.options.onCritical(alert);
    }
  }

  clear(): void {
    this.firing.clear();
    this.options.onCount(0);
  }
}

/** What a native notification offers here: listeners for its events, and showing it. */
export interface ShownNotification<Event extends string> {
  on(event: Event | 'close', listener: () => void): unknown;
  show(): void;
}

/**
 * Shows `notification` and keeps a reference to it in `shown` until it is clicked, acted on
 * or closed: a notification the garbage collector takes never fires its click. `handlers`
 * run on their events, after it is let go.
 */
export function showKept<Event extends string, N extends ShownNotification<Event>>(shown: Set<N>, notification: N, handlers: Partial<Record<Event, () => void>>): void {
  const forget = () => shown.delete(notification);
  for (const [event, handler] of Object.entries(handlers) as Array<[Event, () => void]>) {
    notification.on(event, () => {
      forget();
      handler();
    });
  }
  notification.on('close', forget);
  shown.add(notification);
  notification.show();
}

import { createApiClient, type ApiClient, type Transport } from '../../../shared/api/client.ts';
import { AppError } from '../../../shared/errors.ts';
import type { RelayedStreamEvent } from '../../../shared/ipc/channels/stream.ts';
import type { FiringAlerts } from './firing-alerts.ts';

/** Firing alerts beyond this many are not listed at start-up (the tray shows "500"). */
const FIRST_PAGE = 500;

/**
 * Keeps FiringAlerts in step with the server: the firing list when the stream opens or
 * resets, then the stream's alert events; acknowledges on the notification's behalf.
 */
export class AlertWatch {
  private readonly api: ApiClient;
  private readonly firing: FiringAlerts;

  constructor(options: { request: Transport; firing: FiringAlerts }) {
    this.api = createApiClient(options.request);
    this.firing = options.firing;
  }

  /** For the relay's onEvent. */
  handle(event: RelayedStreamEvent): void {
    if (event.type === 'alert') this.firing.apply(event.data);
    else if (event.type === 'reset') void this.reload();
  }

  /** Lists the firing alerts again; an unreachable server keeps the last known count. */
  async reload(): Promise<void> {
    this.firing.expectReset();
    try {
      const page = await this.api.alerts.list({ query: { state: 'firing', limit: FIRST_PAGE } });
      this.firing.reset(page.items);
    } catch (error) {
      this.firing.cancelReset();
      if (!(error instanceof AppError)) throw error;
    }
  }

  async acknowledge(alertId: number): Promise<void> {
    await this.api.alerts.acknowledge({ params: { id: alertId }, body: { comment: 'Acknowledged from the desktop notification.' } });
  }

  clear(): void {
    this.firing.clear();
  }
}

import { Notification } from 'electron';
import type { Run } from '../../../shared/api/runbooks.ts';
import type { RelayedStreamEvent } from '../../../shared/ipc/channels/stream.ts';

/**
 * Whether a run event means "this waits for your approval": waiting, requested by someone
 * else (nobody approves their own run), and not announced before.
 */
export function waitsForApprovalOf(run: Run, username: string | null, announced: ReadonlySet<number>): boolean {
  if (run.state !== 'pending_approval' || username === null || announced.has(run.id)) return false;
  return !(run.requestedByKind !== 'system' && run.requestedBy === username);
}

export interface ApprovalNotifierOptions {
  /** The signed-in user of the active profile, null when signed out. */
  username: () => string | null;
  /** Opens the approvals queue (a click on the notification). */
  open: () => void;
}

/** A native notification when a runbook run starts waiting for the user's approval. */
export class ApprovalNotifier {
  private readonly options: ApprovalNotifierOptions;
  private readonly announced = new Set<number>();
  /** Kept referenced: a garbage-collected notification loses its click handler. */
  private readonly shown = new Set<Notification>();

  constructor(options: ApprovalNotifierOptions) {
    this.options = options;
  }

  handle(event: RelayedStreamEvent): void {
    if (event.type !== 'runbook_run') return;
    const run = event.data;
    if (run.state !== 'pending_approval') {
      this.announced.delete(run.id);
      return;
    }
    if (!waitsForApprovalOf(run, this.options.username(), this.announced)) return;
    this.announced.add(run.id);
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: `Approval needed: ${run.title}`,
      body: `Run #${run.id} on ${run.target}, requested by ${run.requestedBy}${run.incidentId !== null ? ` for incident #${run.incidentId}` : ''}.`,
      urgency: 'normal',
    });
    const forget = () => this.shown.delete(notification);
    notification.on('click', () => {
      forget();
      this.options.open();
    });
    notification.on('close', forget);
    this.shown.add(notification);
    notification.show();
  }
}

import type { Run } from '../../../shared/api/runbooks.ts';
import type { RelayedStreamEvent } from '../../../shared/ipc/channels/stream.ts';
import { showKept } from './kept-notifications.ts';
import { NOTIFICATION_BODY_MAX, NOTIFICATION_TITLE_MAX, notificationText } from './notification-text.ts';
import { isRunDocument } from '../stream/server-documents.ts';
import { isOwnRequest } from '../../../shared/runbooks/own-request.ts';

/**
 * Whether a run event means "this waits for your approval": waiting, requested by someone
 * else (nobody approves their own run: `isOwnRequest`, which a key named like you does not
 * fool), and not announced before.
 */
export function waitsForApprovalOf(run: Run, username: string | null, announced: ReadonlySet<number>): boolean {
  if (run.state !== 'pending_approval' || username === null || announced.has(run.id)) return false;
  return !isOwnRequest(run, username);
}

/** The parts of Electron's `Notification` used here; main passes Electron's, tests a recorder. */
export interface ApprovalNotification {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
}

export interface ApprovalNotifierOptions {
  /** The signed-in user of the active profile, null when signed out. */
  username: () => string | null;
  /** Opens the approvals queue (a click on the notification). */
  open: () => void;
  notifications: {
    isSupported(): boolean;
    create(options: { title: string; body: string; urgency: 'normal' }): ApprovalNotification;
  };
  /** The run as the server has it now (`GET /runbook-runs/:id` through the profile's session). */
  currentRun: (id: number) => Promise<Run>;
}

/**
 * A native notification when a runbook run starts waiting for the user's approval. The
 * stream replays what a connection missed (after a drop, at start-up from the cache's
 * last event): a "waiting" event may be old news, the run approved or rejected since.
 * So the run is asked for first, and announced only if it still waits (or if the server
 * cannot say: better a notification too many than a run left waiting).
 */
export class ApprovalNotifier {
  private readonly options: ApprovalNotifierOptions;
  private readonly announced = new Set<number>();
  /** Kept referenced: a garbage-collected notification loses its click handler. */
  private readonly shown = new Set<ApprovalNotification>();

  constructor(options: ApprovalNotifierOptions) {
    this.options = options;
  }

  handle(event: RelayedStreamEvent): void {
    if (event.type !== 'runbook_run') return;
    const run: unknown = event.data;
    // What a hostile or broken server sends is not read as a run.
    if (!isRunDocument(run)) return;
    if (run.state !== 'pending_approval') {
      this.announced.delete(run.id);
      return;
    }
    if (!waitsForApprovalOf(run, this.options.username(), this.announced)) return;
    this.announced.add(run.id);
    if (!this.options.notifications.isSupported()) return;
    void this.options.currentRun(run.id).then(
      (now: unknown) => {
        if (isRunDocument(now) && now.state === 'pending_approval' && this.announced.has(run.id)) this.show(now);
      },
      () => {
        if (this.announced.has(run.id)) this.show(run);
      },
    );
  }

  private show(run: Run): void {
    const notification = this.options.notifications.create({
      title: notificationText(`Approval needed: ${run.title}`, NOTIFICATION_TITLE_MAX),
      body: notificationText(`Run #${run.id} on ${run.target}, requested by ${run.requestedBy}${run.incidentId !== null ? ` for incident #${run.incidentId}` : ''}.`, NOTIFICATION_BODY_MAX),
      urgency: 'normal',
    });
    showKept(this.shown, notification, { click: () => this.options.open() });
  }
}

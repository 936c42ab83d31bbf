import { AppError } from '../../../shared/errors.ts';
import type { InventoryRunbook } from '../../../shared/chatops/inventory.ts';
import type { ChatUser } from './chat-user.ts';

export interface RunbookPlanPreview {
  runbookId: string;
  title: string;
  /** One line per step, as the runbook plan shows them. */
  steps: string[];
  /** Whether a second person must approve before it runs. */
  needsApproval: boolean;
}

export interface RunbookRunRequest {
  runId: string;
  /** e.g. `pending_approval`, `queued`, `running`. */
  status: string;
  text: string;
}

export interface RunbookRequest {
  runbookId: string;
  params: Record<string, string>;
  incidentId?: number;
  requester: ChatUser;
}

/** "cancel run 12 wrong pool": which run, who asks, and why (the cancel's reason). */
export interface RunCancelRequest {
  runId: number;
  reason: string | null;
  requester: ChatUser;
}

/** A run as chat shows it around a cancel. */
export interface RunbookRunState {
  runId: number;
  runbookId: string;
  title: string;
  /** e.g. `pending_approval`, `queued`, `running`, `cancelled`. */
  status: string;
  /** Running, with its cancel asked for: who asked (its end follows when its step stops). */
  cancelRequestedBy: string | null;
}

/**
 * How ChatOps reaches the runbooks feature: it finds runbooks, plans a run and requests it
 * through the runbooks' own plan and approval flow (never around it). The chat feature
 * receives one at start; the server wires the runbooks feature's gateway where it exists.
 */
export interface RunbookGateway {
  readonly available: boolean;
  /** Runbooks whose id or title contain the words; every runbook for ''. */
  find(query: string): InventoryRunbook[];
  plan(request: RunbookRequest): Promise<RunbookPlanPreview>;
  requestRun(request: RunbookRequest): Promise<RunbookRunRequest>;
  /** The run, if the requester may cancel it now; else the cancel route's own refusal (404, 409, 403). */
  cancelCheck(request: RunCancelRequest): Promise<RunbookRunState>;
  /** Cancels the run through the route's own service call (audit, timeline, replicas). */
  cancelRun(request: RunCancelRequest): Promise<RunbookRunState>;
}

export const RUNBOOKS_UNAVAILABLE = 'Runbooks are not available on this server.';

/** The gateway of a server without the runbooks feature: it says so, clearly, every time. */
export class UnavailableRunbookGateway implements RunbookGateway {
  readonly available = false;

  find(): InventoryRunbook[] {
    return [];
  }

  async plan(): Promise<RunbookPlanPreview> {
    throw new AppError('E_UNAVAILABLE', RUNBOOKS_UNAVAILABLE);
  }

  async requestRun(): Promise<RunbookRunRequest> {
    throw new AppError('E_UNAVAILABLE', RUNBOOKS_UNAVAILABLE);
  }

  async cancelCheck(): Promise<RunbookRunState> {
    throw new AppError('E_UNAVAILABLE', RUNBOOKS_UNAVAILABLE);
  }

  async cancelRun(): Promise<RunbookRunState> {
    throw new AppError('E_UNAVAILABLE', RUNBOOKS_UNAVAILABLE);
  }
}

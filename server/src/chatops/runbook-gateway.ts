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
}

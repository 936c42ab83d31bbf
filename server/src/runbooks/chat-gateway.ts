import type { InventoryRunbook } from '../../../shared/chatops/inventory.ts';
import { isSecretParam } from '../../../shared/runbooks/secret-params.ts';
import { AppError } from '../../../shared/errors.ts';
import { actorOfChat, type ChatUser } from '../chatops/chat-user.ts';
import type { Run } from '../../../shared/api/runbooks.ts';
import type { RunbookGateway, RunbookPlanPreview, RunbookRequest, RunbookRunRequest, RunbookRunState, RunCancelRequest } from '../chatops/runbook-gateway.ts';
import type { RunbooksFeature } from './feature.ts';
import { describeResolvedStep } from './describe.ts';
import type { Requester } from './service.ts';

/**
 * A chat user as a runbook requester. The user id is the person's (an API key's owner too,
 * whose chat key is `apikey:<id>`), else read from a `user:<id>` key, so that self-approval
 * is refused for runs requested in chat whatever credential was used.
 */
function requesterOf(user: ChatUser): Requester {
  const match = /^user:(\d+)$/.exec(user.key);
  return { actor: actorOfChat(user), userId: user.userId ?? (match ? Number(match[1]) : null), role: user.role };
}

function stateOf(run: Run): RunbookRunState {
  return { runId: run.id, runbookId: run.runbookId, title: run.title, status: run.state, cancelRequestedBy: run.cancelRequestedBy };
}

/**
 * How ChatOps reaches runbooks: it finds them, plans and requests runs through the same
 * service as the console (limits, approvals bound to the plan hash, audit, timeline).
 */
export class RunbookChatGateway implements RunbookGateway {
  readonly available = true;
  readonly #feature: RunbooksFeature;

  constructor(feature: RunbooksFeature) {
    this.#feature = feature;
  }

  find(query: string): InventoryRunbook[] {
    const words = query.toLowerCase().split(/\s+/).filter((word) => word !== '');
    return this.#feature.catalog
      .all()
      .filter(({ definition }) => words.every((word) => definition.id.includes(word) || definition.title.toLowerCase().includes(word)))
      .map(({ definition, params }) => ({
        id: definition.id,
        title: definition.title,
        keywords: [...new Set([...definition.id.split('-'), ...definition.title.toLowerCase().split(/\W+/)].filter((word) => word.length > 2))],
        params: Object.keys(params),
      }));
  }

  /**
   * A secret parameter (docs/runbooks.md, "Secret parameters") is never taken from chat: the
   * message that carries it stays in the channel and the audit log. One the runbook needs and
   * chat cannot give sends the person to the console's run form.
   */
  #refuseSecrets(request: RunbookRequest): void {
    const runbook = this.#feature.catalog.get(request.runbookId);
    if (!runbook) return;
    for (const [name, spec] of Object.entries(runbook.params)) {
      if (!isSecretParam(name, spec)) continue;
      if (Object.hasOwn(request.params, name)) throw new AppError('E_VALIDATION', `${name} is a secret parameter of ${request.runbookId}: chat does not take it (the message stays in the channel and the audit log). Delete that message, and run ${request.runbookId} from the console's run form.`);
      if (spec.default === undefined) throw new AppError('E_VALIDATION', `${request.runbookId} needs the secret parameter ${name}, which chat does not take: run it from the console's run form.`);
    }
  }

  async plan(request: RunbookRequest): Promise<RunbookPlanPreview> {
    this.#refuseSecrets(request);
    const plan = await this.#feature.service.plan(request.runbookId, request.params, request.incidentId ?? null);
    return { runbookId: plan.runbookId, title: plan.title, steps: plan.steps.map((step) => `${step.name}: ${describeResolvedStep(step)}`), needsApproval: plan.safety.approvers > 0 };
  }

  async requestRun(request: RunbookRequest): Promise<RunbookRunRequest> {
    this.#refuseSecrets(request);
    const run = await this.#feature.service.request(request.runbookId, { params: request.params, ...(request.incidentId !== undefined ? { incidentId: request.incidentId } : {}) }, requesterOf(request.requester));
    const text = run.state === 'blocked' ? `Blocked: ${run.reason ?? 'a safety limit'}.` : run.state === 'pending_approval' ? `Run #${run.id} waits for ${run.approvalsRequired} approval(s) by someone else.` : `Run #${run.id} is ${run.state.replace('_', ' ')}.`;
    return { runId: String(run.id), status: run.state, text };
  }

  async cancelCheck(request: RunCancelRequest): Promise<RunbookRunState> {
    return stateOf(await this.#feature.service.cancelCheck(request.runId, requesterOf(request.requester)));
  }

  async cancelRun(request: RunCancelRequest): Promise<RunbookRunState> {
    return stateOf(await this.#feature.service.cancel(request.runId, requesterOf(request.requester), request.reason));
  }
}

import { AppError } from '../../../../shared/errors.ts';
import type { ChatUser } from '../chat-user.ts';
import { RUNBOOKS_UNAVAILABLE, type RunCancelRequest } from '../runbook-gateway.ts';
import type { ChangeExecutor, CommandOf } from './types.ts';

/** The run a command names: the service fills one in for "cancel it" (ChatService, runInConversation) or answers without. */
function requestOf({ slots }: CommandOf<'runbook.cancel'>, user: ChatUser): RunCancelRequest {
  if (slots.runId === undefined) throw new AppError('E_BAD_REQUEST', 'Say which run to cancel by its number, e.g. "cancel run 12".');
  return { runId: slots.runId, reason: slots.reason ?? null, requester: user };
}

/**
 * "cancel run 12 wrong pool": the run page's Cancel run, through the same service call as
 * `POST /runbook-runs/:id/cancel` (its permission, the runbook's `safety.role`, audit and
 * timeline). The confirmation card is offered only for a run that call would cancel now.
 */
export const runbookCancel: ChangeExecutor<'runbook.cancel'> = {
  kind: 'change',
  async check(command, user, { runbooks }) {
    if (!runbooks.available) throw new AppError('E_UNAVAILABLE', RUNBOOKS_UNAVAILABLE);
    const request = requestOf(command, user);
    const run = await runbooks.cancelCheck(request);
    // (What a running run's cancel does that a waiting one's does not: docs/runbooks.md, "Cancel".)
    const effect = run.status === 'running' ? ': its current step is stopped and no further step runs (nothing is rolled back)' : ': it never starts';
    return `Cancel run #${run.runId} of ${run.title} (${run.runbookId}, ${run.status.replace('_', ' ')} now)${request.reason ? ` with reason "${request.reason}"` : ''}${effect}`;
  },
  async execute(command, user, { runbooks }) {
    const run = await runbooks.cancelRun(requestOf(command, user));
    const cancelled = run.status === 'cancelled';
    return {
      kind: 'text',
      intent: 'runbook.cancel',
      title: cancelled ? `Run #${run.runId} cancelled` : `Cancel of run #${run.runId} asked`,
      text: cancelled ? `Run #${run.runId} (${run.runbookId}) is cancelled.` : `Run #${run.runId} (${run.runbookId}) is ${run.status.replace('_', ' ')}: its current step is being stopped, and it ends cancelled.`,
      lines: [`run: ${run.runId}`, `status: ${run.status}`],
    };
  },
};

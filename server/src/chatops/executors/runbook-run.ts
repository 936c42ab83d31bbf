import { AppError } from '../../../../shared/errors.ts';
import { RUNBOOKS_UNAVAILABLE } from '../runbook-gateway.ts';
import type { ChangeExecutor, CommandOf } from './types.ts';
import type { ChatUser } from '../chat-user.ts';

function requestOf({ slots }: CommandOf<'runbook.run'>, user: ChatUser) {
  return { runbookId: slots.runbook, params: slots.params, requester: user, ...(slots.incidentId !== undefined ? { incidentId: slots.incidentId } : {}) };
}

/**
 * "restart web on api-1": planned by the runbooks feature (the confirmation shows its plan)
 * and requested through its approval flow; chat never runs a step itself.
 */
export const runbookRun: ChangeExecutor<'runbook.run'> = {
  kind: 'change',
  async check(command, user, { runbooks }) {
    if (!runbooks.available) throw new AppError('E_UNAVAILABLE', RUNBOOKS_UNAVAILABLE);
    const plan = await runbooks.plan(requestOf(command, user));
    const approval = plan.needsApproval ? ' — needs approval before it runs' : '';
    return `Run ${plan.title} (${plan.runbookId})${approval}: ${plan.steps.map((s, i) => `${i + 1}. ${s}`).join(' ')}`;
  },
  async execute(command, user, { runbooks }) {
    const run = await runbooks.requestRun(requestOf(command, user));
    return { kind: 'text', intent: 'runbook.run', title: `Runbook ${command.slots.runbook}: ${run.status}`, text: run.text, lines: [`run: ${run.runId}`, `status: ${run.status}`] };
  },
};

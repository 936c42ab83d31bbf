import { AppError } from '../../../../shared/errors.ts';
import { actorOfChat } from '../chat-user.ts';
import type { ChangeExecutor } from './types.ts';

const DONE = { resolved: 'resolved', mitigated: 'marked as mitigated', open: 'reopened' } as const;

/** "resolve incident 7 fixed by rollback", "mark 7 mitigated", "reopen 7": the same change as the console's status buttons. */
export const incidentStatus: ChangeExecutor<'incident.status'> = {
  kind: 'change',
  async check({ slots }, _user, { alerts }) {
    const incident = await alerts.incidents.byId(slots.incidentId);
    if (!incident) throw new AppError('E_NOT_FOUND', `No incident ${slots.incidentId}.`);
    if (incident.status === slots.status) throw new AppError('E_CONFLICT', `Incident ${incident.id} is already ${incident.status}.`);
    if (incident.mergedInto !== null) throw new AppError('E_CONFLICT', `Incident ${incident.id} was merged into incident ${incident.mergedInto}; change that one.`);
    const what = `incident ${incident.id} (${incident.title}, ${incident.status} now)`;
    const change = slots.status === 'resolved' ? `Resolve ${what}` : slots.status === 'mitigated' ? `Mark ${what} as mitigated` : `Reopen ${what}`;
    return `${change}${slots.comment ? ` with comment "${slots.comment}"` : ''}`;
  },
  async execute({ slots }, user, { alerts }) {
    const incident = await alerts.incidentService.update(slots.incidentId, { status: slots.status, ...(slots.comment ? { comment: slots.comment } : {}) }, actorOfChat(user));
    return {
      kind: 'text',
      intent: 'incident.status',
      title: `Incident ${incident.id} ${DONE[slots.status]}`,
      text: `Incident ${incident.id} (${incident.title}) is ${incident.status}${slots.comment ? `: "${slots.comment}"` : ''}.`,
      lines: [],
    };
  },
};

import { AppError } from '../../../../shared/errors.ts';
import { actorOfChat } from '../chat-user.ts';
import type { ChangeExecutor } from './types.ts';

/** "note on 7: rolled back deploy 4.12". */
export const incidentNote: ChangeExecutor<'incident.note'> = {
  kind: 'change',
  async check({ slots }, _user, { alerts }) {
    const incident = await alerts.incidents.byId(slots.incidentId);
    if (!incident) throw new AppError('E_NOT_FOUND', `No incident ${slots.incidentId}.`);
    return `Add a note to incident ${incident.id} (${incident.title}): "${slots.text}"`;
  },
  async execute({ slots }, user, { alerts }) {
    const entry = await alerts.incidentService.addNote(slots.incidentId, slots.text, actorOfChat(user));
    return { kind: 'text', intent: 'incident.note', title: `Note added to incident ${slots.incidentId}`, text: entry.text, lines: [] };
  },
};

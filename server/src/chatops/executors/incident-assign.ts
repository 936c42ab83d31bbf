import { AppError } from '../../../../shared/errors.ts';
import type { ChatUser } from '../chat-user.ts';
import { actorOfChat } from '../chat-user.ts';
import type { ChangeExecutor } from './types.ts';

/** Who takes command: the name said, or the asker ("I'll take incident 7"), who must then be a signed-in user. */
function commanderOf(slots: { commander?: string }, user: ChatUser): string {
  if (slots.commander !== undefined) return slots.commander;
  if (user.kind !== 'user') throw new AppError('E_VALIDATION', 'Only a signed-in user takes command of an incident: name who commands it, e.g. "assign incident 7 to alice".');
  return user.name;
}

/** "I'll take incident 7", "assign incident 7 to alice": the same change as the console's commander field. */
export const incidentAssign: ChangeExecutor<'incident.assign'> = {
  kind: 'change',
  async check({ slots }, user, { alerts }) {
    const commander = commanderOf(slots, user);
    const incident = await alerts.incidents.byId(slots.incidentId);
    if (!incident) throw new AppError('E_NOT_FOUND', `No incident ${slots.incidentId}.`);
    if (incident.mergedInto !== null) throw new AppError('E_CONFLICT', `Incident ${incident.id} was merged into incident ${incident.mergedInto}; assign that one.`);
    if (incident.commander === commander) throw new AppError('E_CONFLICT', `${commander} already commands incident ${incident.id}.`);
    const now = incident.commander === null ? 'no commander now' : `commanded by ${incident.commander} now`;
    return `Make ${commander} the commander of incident ${incident.id} (${incident.title}, ${incident.status}, ${now})`;
  },
  async execute({ slots }, user, { alerts }) {
    const commander = commanderOf(slots, user);
    const incident = await alerts.incidentService.update(slots.incidentId, { commander }, actorOfChat(user));
    return { kind: 'text', intent: 'incident.assign', title: `${commander} commands incident ${incident.id}`, text: `${commander} is now the commander of incident ${incident.id} (${incident.title}).`, lines: [] };
  },
};

import { AppError } from '../../../../shared/errors.ts';
import { formatMatcher } from '../../../../shared/chatops/format.ts';
import { actorOfChat } from '../chat-user.ts';
import type { ChangeExecutor } from './types.ts';

/** "unsilence 4". */
export const silenceExpire: ChangeExecutor<'silence.expire'> = {
  kind: 'change',
  async check({ slots }, _user, { alerts, now }) {
    const silence = await alerts.silences.byId(slots.silenceId, now());
    if (!silence) throw new AppError('E_NOT_FOUND', `No silence ${slots.silenceId}.`);
    if (silence.state === 'expired') throw new AppError('E_CONFLICT', `Silence ${silence.id} has already expired.`);
    return `Expire silence ${silence.id} (${silence.matchers.map(formatMatcher).join(', ')}, by ${silence.createdBy})`;
  },
  async execute({ slots }, user, { alerts }) {
    const silence = await alerts.service.expireSilence(slots.silenceId, actorOfChat(user));
    return { kind: 'text', intent: 'silence.expire', title: `Silence ${silence.id} expired`, text: `Silence ${silence.id} has ended; its alerts notify again.`, lines: [] };
  },
};

import { AppError } from '../../../../shared/errors.ts';
import { formatDuration, formatMatcher } from '../../../../shared/chatops/format.ts';
import { compileMatchers, MatcherError } from '../../alerts/matchers.ts';
import { actorOfChat } from '../chat-user.ts';
import type { ChangeExecutor } from './types.ts';
import { isoMinute } from './types.ts';

/** "silence disk alerts on db-2 for 1h": a silence from now, for the duration said. */
export const silenceCreate: ChangeExecutor<'silence.create'> = {
  kind: 'change',
  async check({ slots }, _user, { alerts }) {
    let matches: (labels: Record<string, string>) => boolean;
    try {
      matches = compileMatchers(slots.matchers);
    } catch (error) {
      if (error instanceof MatcherError) throw new AppError('E_VALIDATION', error.message);
      throw error;
    }
    const covered = (await alerts.alerts.active()).filter((a) => matches(a.labels)).length;
    return `Silence alerts matching ${slots.matchers.map(formatMatcher).join(', ')} for ${formatDuration(slots.durationSeconds * 1000)} — ${covered} unresolved alert(s) match now`;
  },
  async execute({ slots }, user, { alerts }) {
    const silence = await alerts.service.createSilence(
      { matchers: slots.matchers, durationSeconds: slots.durationSeconds, comment: slots.comment ?? `Silenced from chat by ${user.name}` },
      actorOfChat(user),
    );
    return {
      kind: 'text',
      intent: 'silence.create',
      title: `Silence ${silence.id} ${silence.state}`,
      text: `Silence ${silence.id} on ${silence.matchers.map(formatMatcher).join(', ')} until ${isoMinute(silence.endsAt)}; "unsilence ${silence.id}" ends it.`,
      lines: [`id: ${silence.id}`, `matchers: ${silence.matchers.map(formatMatcher).join(', ')}`, `ends: ${isoMinute(silence.endsAt)}`, `comment: ${silence.comment}`],
    };
  },
};

import { AppError } from '../../../../shared/errors.ts';
import { formatDuration, formatMatcher } from '../../../../shared/chatops/format.ts';
import { compileMatchers, MatcherError } from '../../alerts/matchers.ts';
import { actorOfChat } from '../chat-user.ts';
import type { SilenceMatcher } from '../../../../shared/chatops/intents.ts';
import type { ChangeExecutor, CommandOf, ExecutorDeps } from './types.ts';
import { isoMinute } from './types.ts';

/** As `POST /api/v1/silences` allows. */
const MAX_SILENCE_SECONDS = 366 * 86_400;

/**
 * The matchers of the silence: as said, or for "silence 12" every label of alert 12, so
 * that the silence covers that alert and what re-fires with the very same labels.
 */
async function matchersOf({ slots }: CommandOf<'silence.create'>, { alerts }: ExecutorDeps): Promise<SilenceMatcher[]> {
  if (slots.alertId === undefined) return slots.matchers;
  const alert = await alerts.alerts.byId(slots.alertId);
  if (!alert) throw new AppError('E_NOT_FOUND', `No alert ${slots.alertId}.`);
  if (alert.state === 'resolved') throw new AppError('E_CONFLICT', `Alert ${alert.id} is resolved; silence what it matched by name instead, e.g. "silence ${alert.labels.alertname ?? 'HighCpu'} for 1h".`);
  return Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, op: '=' as const, value }));
}

/** "silence disk alerts on db-2 for 1h", "silence 12 for 30m": a silence from now, for the duration said. */
export const silenceCreate: ChangeExecutor<'silence.create'> = {
  kind: 'change',
  async check(command, _user, deps) {
    const { slots } = command;
    const { alerts } = deps;
    // The API's bounds, said before the confirmation rather than after it.
    if (slots.durationSeconds < 1) throw new AppError('E_VALIDATION', 'A silence must last at least a second: say for how long, e.g. "for 1h".');
    if (slots.durationSeconds > MAX_SILENCE_SECONDS) throw new AppError('E_VALIDATION', `A silence lasts at most 366 days, not ${formatDuration(slots.durationSeconds * 1000)}.`);
    const matchers = await matchersOf(command, deps);
    let matches: (labels: Record<string, string>) => boolean;
    try {
      matches = compileMatchers(matchers);
    } catch (error) {
      if (error instanceof MatcherError) throw new AppError('E_VALIDATION', error.message);
      throw error;
    }
    const covered = (await alerts.alerts.active()).filter((a) => matches(a.labels)).length;
    return `Silence ${slots.alertId !== undefined ? `alert ${slots.alertId}, i.e. alerts` : 'alerts'} matching ${matchers.map(formatMatcher).join(', ')} for ${formatDuration(slots.durationSeconds * 1000)} — ${covered} unresolved alert(s) match now`;
  },
  async execute(command, user, deps) {
    const { slots } = command;
    const silence = await deps.alerts.service.createSilence(
      { matchers: await matchersOf(command, deps), durationSeconds: slots.durationSeconds, comment: slots.comment ?? `Silenced from chat by ${user.name}` },
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

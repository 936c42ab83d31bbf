import type { ReadExecutor } from './types.ts';
import { alertName, alertTarget, isoMinute } from './types.ts';
import { alertKindWords, severityQuery } from '../../../../shared/chatops/format.ts';

const LIMIT = 50;

/**
 * "what's firing on web-3": unresolved alerts (or the state asked) as a table card.
 * "what fired overnight": the alerts active in that window, whatever their state now, newest first.
 */
export const alertsList: ReadExecutor<'alerts.list'> = {
  kind: 'read',
  async answer({ slots }, _user, { alerts, inventory }) {
    const windowed = slots.from !== undefined && slots.to !== undefined;
    const { items, total } = await alerts.alerts.list({
      state: slots.state ?? (windowed ? 'firing,acknowledged,resolved' : 'firing,acknowledged'),
      ...severityQuery(slots),
      ...(slots.target ? { label: `${await inventory.labelOf(slots.target)}=${slots.target}` } : {}),
      ...(slots.silenced !== undefined ? { silenced: slots.silenced } : {}),
      ...(windowed ? { from: slots.from, to: slots.to } : {}),
      sort: windowed ? 'startsAt' : 'severity',
      order: 'desc',
      limit: LIMIT,
    });
    const noun = total === 1 ? 'alert' : 'alerts';
    const kind = alertKindWords(slots);
    const what = windowed
      ? `${slots.state ? `${slots.state} ` : ''}${kind ? `${kind} ` : ''}${noun} active from ${isoMinute(slots.from!)} to ${isoMinute(slots.to!)}${slots.target ? ` on ${slots.target}` : ''}`
      : `${slots.state ?? 'unresolved'}${kind ? ` ${kind}` : ''} ${noun}${slots.target ? ` on ${slots.target}` : ''}`;
    return {
      kind: 'table',
      intent: 'alerts.list',
      title: `${total} ${what}`,
      text: total === 0 ? `No ${what}.` : total > LIMIT ? `The ${windowed ? 'newest' : 'first'} ${LIMIT} of ${total}.` : `${total} ${what}.`,
      columns: ['id', 'severity', 'state', 'alert', 'target', 'since', 'incident'],
      rows: items.map((a) => [a.id, a.severity, a.silenced ? `${a.state} (silenced)` : a.state, alertName(a.labels), alertTarget(a.labels), isoMinute(a.startsAt), a.incidentId]),
    };
  },
};

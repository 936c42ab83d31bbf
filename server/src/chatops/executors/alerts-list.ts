import type { ReadExecutor } from './types.ts';
import { alertName, alertTarget, isoMinute } from './types.ts';

const LIMIT = 50;

/** "what's firing on web-3": unresolved alerts (or the state asked) as a table card. */
export const alertsList: ReadExecutor<'alerts.list'> = {
  kind: 'read',
  async answer({ slots }, _user, { alerts, inventory }) {
    const { items, total } = await alerts.alerts.list({
      state: slots.state ?? 'firing,acknowledged',
      ...(slots.severity ? { severity: slots.severity } : {}),
      ...(slots.target ? { label: `${await inventory.labelOf(slots.target)}=${slots.target}` } : {}),
      sort: 'severity',
      order: 'desc',
      limit: LIMIT,
    });
    const what = `${slots.state ?? 'unresolved'}${slots.severity ? ` ${slots.severity}` : ''} ${total === 1 ? 'alert' : 'alerts'}${slots.target ? ` on ${slots.target}` : ''}`;
    return {
      kind: 'table',
      intent: 'alerts.list',
      title: `${total} ${what}`,
      text: total === 0 ? `No ${what}.` : total > LIMIT ? `The first ${LIMIT} of ${total}.` : `${total} ${what}.`,
      columns: ['id', 'severity', 'state', 'alert', 'target', 'since', 'incident'],
      rows: items.map((a) => [a.id, a.severity, a.silenced ? `${a.state} (silenced)` : a.state, alertName(a.labels), alertTarget(a.labels), isoMinute(a.startsAt), a.incidentId]),
    };
  },
};

import type { ReadExecutor } from './types.ts';
import { isoMinute } from './types.ts';
import { severityQuery, severityWords } from '../../../../shared/chatops/format.ts';

const LIMIT = 50;

/** "open incidents", "critical incidents on db-2": the incidents asked for, newest first, as a table card. */
export const incidentsList: ReadExecutor<'incidents.list'> = {
  kind: 'read',
  async answer({ slots }, _user, { alerts, inventory }) {
    const { items, total } = await alerts.incidents.list({
      status: slots.status ?? 'open,mitigated',
      ...severityQuery(slots),
      ...(slots.target ? { label: `${await inventory.labelOf(slots.target)}=${slots.target}` } : {}),
      sort: 'openedAt',
      order: 'desc',
      limit: LIMIT,
    });
    const severity = severityWords(slots);
    const what = `${slots.status ?? 'unresolved'}${severity ? ` ${severity}` : ''} ${total === 1 ? 'incident' : 'incidents'}${slots.target ? ` on ${slots.target}` : ''}`;
    return {
      kind: 'table',
      intent: 'incidents.list',
      title: `${total} ${what}`,
      text: total === 0 ? `No ${what}.` : total > LIMIT ? `The newest ${LIMIT} of ${total}.` : `${total} ${what}.`,
      columns: ['id', 'severity', 'status', 'title', 'opened', 'firing', 'commander'],
      rows: items.map((i) => [i.id, i.severity, i.status, i.title, isoMinute(i.openedAt), `${i.firingCount}/${i.alertCount}`, i.commander ?? '']),
    };
  },
};

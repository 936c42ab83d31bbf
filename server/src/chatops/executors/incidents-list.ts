import { AppError } from '../../../../shared/errors.ts';
import type { ReadExecutor } from './types.ts';
import { isoMinute } from './types.ts';
import { severityQuery, severityWords } from '../../../../shared/chatops/format.ts';

const LIMIT = 50;

/**
 * "open incidents", "critical incidents on db-2", "my incidents", "incidents this week": the
 * incidents asked for, newest first, as a table card. A window lists those active in it,
 * resolved ones included.
 */
export const incidentsList: ReadExecutor<'incidents.list'> = {
  kind: 'read',
  async answer({ slots }, user, { alerts, inventory }) {
    if (slots.mine && user.kind !== 'user') throw new AppError('E_VALIDATION', 'Only a signed-in user commands incidents: ask for the incidents of a target, a status or a severity instead.');
    const windowed = slots.from !== undefined && slots.to !== undefined;
    const { items, total } = await alerts.incidents.list({
      status: slots.status ?? (windowed ? 'open,mitigated,resolved' : 'open,mitigated'),
      ...severityQuery(slots),
      ...(slots.target ? { label: `${await inventory.labelOf(slots.target)}=${slots.target}` } : {}),
      ...(windowed ? { from: slots.from, to: slots.to } : {}),
      ...(slots.mine ? { commander: user.name } : {}),
      ...(slots.unassigned ? { unassigned: true } : {}),
      ...(slots.commander !== undefined && !slots.mine ? { commander: slots.commander } : {}),
      sort: 'openedAt',
      order: 'desc',
      limit: LIMIT,
    });
    const severity = severityWords(slots);
    const noun = `${total === 1 ? 'incident' : 'incidents'}${slots.mine ? ' you command' : slots.unassigned ? ' without a commander' : slots.commander !== undefined ? ` commanded by ${slots.commander}` : ''}`;
    const where = slots.target ? ` on ${slots.target}` : '';
    const what = windowed
      ? `${slots.status ? `${slots.status} ` : ''}${severity ? `${severity} ` : ''}${noun} active from ${isoMinute(slots.from!)} to ${isoMinute(slots.to!)}${where}`
      : `${slots.status ?? 'unresolved'}${severity ? ` ${severity}` : ''} ${noun}${where}`;
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

import { formatMatcher } from '../../../../shared/chatops/format.ts';
import type { ReadExecutor } from './types.ts';
import { isoMinute } from './types.ts';

const LIMIT = 50;
/** Silences read to filter by target: more than a team keeps in force at once. */
const SCAN = 500;

/** "active silences", "silences on web-1": the silences asked for, as a table card. */
export const silencesList: ReadExecutor<'silences.list'> = {
  kind: 'read',
  async answer({ slots }, _user, { alerts, inventory, now }) {
    const state = slots.state ?? 'active,pending';
    const page = await alerts.silences.list({ state, limit: slots.target ? SCAN : LIMIT }, now());
    let items = page.items;
    let total = page.total;
    if (slots.target) {
      const label = await inventory.labelOf(slots.target);
      items = items.filter((s) => s.matchers.some((m) => m.name === label && m.op === '=' && m.value === slots.target));
      total = items.length;
      items = items.slice(0, LIMIT);
    }
    const noun = total === 1 ? 'silence' : 'silences';
    const what = `${slots.state ?? 'active and pending'} ${noun}${slots.target ? ` on ${slots.target}` : ''}`;
    return {
      kind: 'table',
      intent: 'silences.list',
      title: `${total} ${what}`,
      text: total === 0 ? `No ${what}.` : total > LIMIT ? `The first ${LIMIT} of ${total}.` : `${total} ${what}.`,
      columns: ['id', 'state', 'matchers', 'ends', 'by', 'comment'],
      rows: items.map((s) => [s.id, s.state, s.matchers.map(formatMatcher).join(', '), isoMinute(s.endsAt), s.createdBy, s.comment]),
    };
  },
};

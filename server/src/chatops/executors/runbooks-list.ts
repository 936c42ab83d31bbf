import { AppError } from '../../../../shared/errors.ts';
import { RUNBOOKS_UNAVAILABLE } from '../runbook-gateway.ts';
import type { ReadExecutor } from './types.ts';

const LIMIT = 50;

/** "list runbooks", "runbooks for restart": what can be run from chat, with its parameters and a phrase that runs it. */
export const runbooksList: ReadExecutor<'runbooks.list'> = {
  kind: 'read',
  answer({ slots }, _user, { runbooks }) {
    if (!runbooks.available) throw new AppError('E_UNAVAILABLE', RUNBOOKS_UNAVAILABLE);
    const all = runbooks.find('');
    const about = slots.about?.toLowerCase();
    const found = about ? all.filter((r) => `${r.id} ${r.title} ${r.keywords.join(' ')}`.toLowerCase().includes(about)) : all;
    const what = `${found.length === 1 ? 'runbook' : 'runbooks'}${about ? ` about "${slots.about}"` : ''}`;
    return {
      kind: 'table',
      intent: 'runbooks.list',
      title: `${found.length} ${what}`,
      text: found.length === 0 ? `No ${what}${about ? `; "list runbooks" shows all ${all.length}` : ''}.` : found.length > LIMIT ? `The first ${LIMIT} of ${found.length}.` : `Run one with e.g. "run ${found[0]!.id}${found[0]!.params.map((p) => ` ${p}=…`).join('')}".`,
      columns: ['runbook', 'what it does', 'parameters'],
      rows: found.slice(0, LIMIT).map((r) => [r.id, r.title, r.params.join(', ')]),
    };
  },
};

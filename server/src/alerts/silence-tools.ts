import type { Alert, Matcher, Silence, SilencePreview } from '../../../shared/api/alerts.ts';
import { AppError } from '../../../shared/errors.ts';
import type { AuditLog } from '../audit/store.ts';
import type { Actor } from '../core/actor.ts';
import { compileMatchers, MatcherError } from './matchers.ts';
import type { AlertService } from './service.ts';
import type { SilenceStore } from './silences.ts';
import type { AlertStore } from './store.ts';

/** At most this many alerts are listed in a preview; `total` still counts them all. */
const PREVIEW_LIMIT = 100;
/** A restored silence may run at most this long from now, like a new one. */
const MAX_SILENCE_MS = 366 * 86_400_000;

export interface SilenceToolsDeps {
  alerts: AlertStore;
  silences: SilenceStore;
  service: AlertService;
  audit: AuditLog;
  now: () => number;
}

/** What the silence form shows before creating: the unresolved alerts these matchers would silence. */
export async function previewSilence({ alerts }: Pick<SilenceToolsDeps, 'alerts'>, matchers: readonly Matcher[]): Promise<SilencePreview> {
  let test: (labels: Alert['labels']) => boolean;
  try {
    test = compileMatchers(matchers);
  } catch (error) {
    if (error instanceof MatcherError) throw new AppError('E_VALIDATION', error.message);
    throw error;
  }
  const matched = (await alerts.active()).filter((alert) => test(alert.labels));
  matched.sort((a, b) => b.startsAt - a.startsAt || b.id - a.id);
  return { alerts: matched.slice(0, PREVIEW_LIMIT).map(({ expiresAt: _expiresAt, ...alert }) => alert), total: matched.length };
}

/**
 * Undo of "expire": the console offers it for a few seconds after an expire, sending back
 * the end the silence had. Only a silence someone ended early can be restored.
 */
export async function restoreSilence(deps: SilenceToolsDeps, id: number, endsAt: number, actor: Actor): Promise<Silence> {
  const now = deps.now();
  const current = await deps.silences.byId(id, now);
  if (!current) throw new AppError('E_NOT_FOUND', `No silence ${id}.`);
  if (current.state !== 'expired' || current.expiredBy === null) throw new AppError('E_CONFLICT', 'Only a silence that was expired early can be restored.');
  if (endsAt <= now || endsAt > now + MAX_SILENCE_MS) {
    throw new AppError('E_VALIDATION', 'endsAt must be in the future (at most 366 days ahead).', [{ path: '/endsAt', message: 'must be in the future' }]);
  }
  // The change and its audit entry commit together (a refusal, an AppError, commits nothing).
  await deps.service.unit(async (unit) => {
    if (!(await deps.silences.restore(id, endsAt, now, unit))) throw new AppError('E_CONFLICT', 'The silence changed meanwhile; reload and try again.');
    deps.audit.record({ actor: actor.name, actorKind: actor.kind, action: 'silence.restore', target: `silence:${id}`, outcome: 'success', ip: actor.ip ?? null, details: { endsAt } });
  });
  await deps.silences.reload(now);
  await deps.service.applySilences(actor);
  return (await deps.silences.byId(id, deps.now()))!;
}

import type { AlertPusher } from '../../../shared/api/stream.ts';
import { hasPermission, roleAtLeast } from '../../../shared/auth/permissions.ts';
import type { LoadedRunbook } from './parse.ts';
import type { Requester } from './service.ts';

/**
 * The person or key who pushed an alert (`POST /alerts`, the Alertmanager receiver) as the requester of the run its
 * trigger proposes: the run is theirs, so the self-approval rule keeps them from approving
 * it alone, as for a run they had asked for by hand.
 */
export function pusherAsRequester(pusher: AlertPusher): Requester {
  return { actor: { name: pusher.name, kind: pusher.kind, ip: pusher.ip, userId: pusher.userId }, userId: pusher.userId, role: pusher.role };
}

/**
 * Why the pusher could not have run this runbook themselves (null when they could): an
 * auto-mode trigger must not run for them what `POST /runbooks/:id/runs` would refuse them,
 * so it waits for an approval instead. Both doors of a manual request count: the route's
 * `runbooks:run` (an API key's scopes narrow it) and the runbook's `safety.role`.
 */
export function pusherCannotRun(pusher: AlertPusher, runbook: LoadedRunbook): { reason: 'permission' | 'role'; needs: string } | null {
  if (!hasPermission(pusher.role, 'runbooks:run', pusher.scopes)) return { reason: 'permission', needs: 'runbooks:run' };
  if (!roleAtLeast(pusher.role, runbook.safety.role)) return { reason: 'role', needs: runbook.safety.role };
  return null;
}

import type { DatasourceAuthInput } from '../../../shared/api/datasources.ts';
import { AppError } from '../../../shared/errors.ts';
import type { UpstreamAuth } from './store.ts';

/**
 * A stored secret was given for one server. On PATCH a secret left out is kept, which is
 * right while the source still points there, but a new origin (scheme, host or port) is
 * another server: keeping the secret would send the "write-only" password or token to
 * whatever host the one who edits the source names, on the next query or test. So a change
 * of origin must give the secret again or remove the credentials (`auth: null`); a new path
 * on the same origin (a Mimir prefix) keeps it as before.
 */
export function requireSecretForNewOrigin(currentUrl: string, nextUrl: string, stored: UpstreamAuth | null, given: DatasourceAuthInput | null | undefined): void {
  if (stored === null || given === null) return;
  if (new URL(currentUrl).origin === new URL(nextUrl).origin) return;
  if (given !== undefined && (given.type === 'basic' ? given.password !== undefined : given.token !== undefined)) return;
  const secret = stored.type === 'basic' ? 'password' : 'token';
  throw new AppError(
    'E_VALIDATION',
    `The URL now points to another server (${new URL(currentUrl).origin} → ${new URL(nextUrl).origin}): the stored ${secret} is not sent there unless you give it again. Send \`auth\` with the ${secret}, or \`auth: null\` to remove the credentials.`,
    { reason: 'secret_needed_for_new_origin', needs: `auth.${secret}` },
  );
}

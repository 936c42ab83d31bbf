import type { Run } from '../api/runbooks.ts';

/**
 * Whether the signed-in `username` asked for this run themselves (so cannot approve it):
 * only a person's request is matched by name. An API key's name is whatever its creator
 * typed, and a key named like a user (an operator's key called "admin", an Alertmanager
 * receiver key named like someone) made that user's console refuse them the Approve button
 * and their desktop keep quiet about the run. The server decides by user id either way.
 */
export function isOwnRequest(run: Pick<Run, 'requestedBy' | 'requestedByKind'>, username: string | null | undefined): boolean {
  return typeof username === 'string' && run.requestedByKind === 'user' && run.requestedBy === username;
}

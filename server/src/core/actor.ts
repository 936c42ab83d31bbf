import type { Principal } from '../auth/principal.ts';

/** Who did something: a person, an API key, or the server itself (sources, sweeps). */
export interface Actor {
  name: string;
  kind: 'user' | 'apiKey' | 'system';
  /** Client address of a request, for the audit log. */
  ip?: string | null;
  /**
   * The person behind it: the user, or the owner of the API key. Names are not identities
   * (a key is named by whoever creates it, "admin" included), so rules about a person
   * (only a note's author edits it) compare this, never `name`. Absent for the system.
   */
  userId?: number;
}

export const SYSTEM: Actor = { name: 'system', kind: 'system' };

export function actorOf(principal: Principal, ip?: string): Actor {
  return { name: principal.name, kind: principal.kind, ip: ip ?? null, userId: principal.userId };
}

import type { Principal } from '../auth/principal.ts';

/** Who did something: a person, an API key, or the server itself (sources, sweeps). */
export interface Actor {
  name: string;
  kind: 'user' | 'apiKey' | 'system';
  /** Client address of a request, for the audit log. */
  ip?: string | null;
}

export const SYSTEM: Actor = { name: 'system', kind: 'system' };

export function actorOf(principal: Principal, ip?: string): Actor {
  return { name: principal.name, kind: principal.kind, ip: ip ?? null };
}

import type { FastifyRequest } from 'fastify';
import type { AuditEntryInput } from './store.ts';

/** Who did it and from where, for an audit entry about an authenticated request. */
export function auditActor(request: FastifyRequest): Pick<AuditEntryInput, 'actor' | 'actorKind' | 'ip'> {
  const principal = request.principal;
  if (!principal) return { actor: null, actorKind: 'anonymous', ip: request.ip };
  return { actor: principal.name, actorKind: principal.kind, ip: request.ip };
}

import type { Permission, Role } from '../../../shared/auth/permissions.ts';
import type { Actor } from '../core/actor.ts';
import type { Principal } from '../auth/principal.ts';

/**
 * Who is typing: a signed-in principal of the console, or a chat user of Slack/Mattermost
 * mapped by an admin to one of our users (or, where allowed, an unmapped one with
 * read-only answers). Confirmations and history are bound to `key`.
 */
export interface ChatUser {
  key: string;
  name: string;
  kind: 'user' | 'apiKey' | 'anonymous';
  role: Role;
  /** API key scopes; null: everything the role allows. */
  scopes: readonly Permission[] | null;
  ip: string | null;
  channel: 'console' | 'slack';
  /**
   * The person behind it: the user, or the owner of the API key (whose `key` is the key's).
   * Absent for an unmapped chat user. Rules about a person (no approving your own runbook
   * run) hold whichever of their credentials they type with.
   */
  userId?: number;
}

export function chatUserOf(principal: Principal, ip: string | null): ChatUser {
  const key = principal.kind === 'apiKey' ? `apikey:${principal.apiKeyId ?? principal.name}` : `user:${principal.userId}`;
  return { key, name: principal.name, kind: principal.kind, role: principal.role, scopes: principal.scopes, ip, channel: 'console', userId: principal.userId };
}

/** The actor the alert and incident services record. */
export function actorOfChat(user: ChatUser): Actor {
  return { name: user.name, kind: user.kind === 'apiKey' ? 'apiKey' : 'user', ip: user.ip, ...(user.userId !== undefined ? { userId: user.userId } : {}) };
}

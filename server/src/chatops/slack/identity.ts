import { ROLE_PERMISSIONS } from '../../../../shared/auth/permissions.ts';
import type { UserRepository } from '../../users/repository.ts';
import type { ChatUser } from '../chat-user.ts';
import type { UnmappedPolicy } from '../settings.ts';
import type { ChatStore } from '../store.ts';

export interface ChatIdentity {
  teamId: string;
  chatUserId: string;
  chatUserName: string;
}

/**
 * Who a Slack or Mattermost user is here: the user an admin mapped them to (nothing is
 * inferred from names), or — where SMARTCLOUDOPS_SLACK_UNMAPPED=read-only — an anonymous
 * viewer that can ask but change nothing; otherwise nobody (null).
 */
export async function resolveChatUser(identity: ChatIdentity, ip: string | null, store: ChatStore, users: Pick<UserRepository, 'byId'>, unmapped: UnmappedPolicy): Promise<ChatUser | null> {
  const mapping = (await store.mapping('slack', identity.teamId, identity.chatUserId)) ?? (await store.mapping('mattermost', identity.teamId, identity.chatUserId));
  const user = mapping ? await users.byId(mapping.userId) : undefined;
  if (user && !user.disabled) {
    return { key: `user:${user.id}`, name: user.username, kind: 'user', role: user.role, scopes: null, ip, channel: 'slack', userId: user.id };
  }
  if (unmapped !== 'read-only') return null;
  // Read-only: the viewer's permissions and nothing else, so chatops:use (and any write) is out.
  return {
    key: `slack:${identity.teamId}:${identity.chatUserId}`,
    name: `slack:${identity.chatUserName || identity.chatUserId}`,
    kind: 'anonymous',
    role: 'viewer',
    scopes: [...ROLE_PERMISSIONS.viewer],
    ip,
    channel: 'slack',
  };
}

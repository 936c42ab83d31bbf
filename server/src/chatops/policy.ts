import { hasPermission, type Permission } from '../../../shared/auth/permissions.ts';
import { EXAMPLES, INTENT_PERMISSION, permissionFor, STATE_CHANGING, type Command, type Intent } from '../../../shared/chatops/intents.ts';
import type { ChatUser } from './chat-user.ts';

/**
 * The one policy of ChatOps: a command needs the permission of its intent (the same matrix
 * as the console's buttons), and a command that changes state also needs `chatops:use`,
 * so an API key or role can be allowed to act in the console but not from chat.
 */
export function missingPermission(user: ChatUser, command: Command): Permission | null {
  const needed = permissionFor(command);
  if (needed && !hasPermission(user.role, needed, user.scopes)) return needed;
  if (STATE_CHANGING.has(command.intent) && !hasPermission(user.role, 'chatops:use', user.scopes)) return 'chatops:use';
  return null;
}

/** The intents the user may use, for `help`: nothing is listed that would be refused. */
export function allowedIntents(user: ChatUser): Exclude<Intent, 'unknown' | 'help'>[] {
  return (Object.keys(EXAMPLES) as Exclude<Intent, 'unknown'>[])
    .filter((intent): intent is Exclude<Intent, 'unknown' | 'help'> => intent !== 'help')
    .filter((intent) => {
      const needed = INTENT_PERMISSION[intent];
      if (needed && !hasPermission(user.role, needed, user.scopes)) return false;
      return !STATE_CHANGING.has(intent) || hasPermission(user.role, 'chatops:use', user.scopes);
    });
}

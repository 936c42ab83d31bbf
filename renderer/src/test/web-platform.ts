import { createApiClient } from '../../../shared/api/client.ts';
import type { Platform } from '../platform/types.ts';

/**
 * A browser platform for component tests: signed out, no stream, every API call answered
 * by `answer` (null by default). Tests override what they exercise (`signIn`, a session).
 */
export function webPlatform(answer: () => Promise<unknown> = async () => null, overrides: Partial<Platform> = {}): Platform {
  return {
    kind: 'web',
    api: createApiClient(answer),
    bridge: null,
    restoreSession: async () => ({ state: 'signed-out' }),
    signIn: async () => ({ state: 'signed-out' }),
    signOut: async () => ({ state: 'signed-out' }),
    changePassword: async () => ({ state: 'signed-out' }),
    onSessionChange: () => () => undefined,
    openStream: () => () => undefined,
    ...overrides,
  } as Platform;
}

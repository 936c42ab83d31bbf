import type { Permission, Role } from '../../../shared/auth/permissions.ts';

/** Who is making a request: a signed-in user (JWT) or an API key acting for its owner. */
export interface Principal {
  kind: 'user' | 'apiKey';
  userId: number;
  /** Username, or the API key's name for keys. */
  name: string;
  role: Role;
  /** API key scopes; null means "everything the role allows". */
  scopes: readonly Permission[] | null;
  mustChangePassword: boolean;
  apiKeyId?: number;
  /** The session (refresh-token family) of a signed-in user; absent for API keys. */
  sessionId?: string;
}

/**
 * Turns a bearer token into a principal, or throws an AppError (401), or rejects with one.
 * A principal already known is returned as is, without a promise (the request's hook goes on
 * in the same turn).
 */
export type Authenticator = (token: string) => Principal | Promise<Principal>;

import type { SecretKind } from '../../../shared/ipc/channels/connections.ts';

export const SECRET_KINDS: readonly SecretKind[] = ['password', 'apiKey', 'refreshToken'];

/**
 * Where the secrets of server profiles live: the OS keychain, or Electron's safeStorage
 * encryption where no keychain service exists. Never plain text on disk. Every method
 * throws AppError('E_KEYCHAIN_UNAVAILABLE') when the backing service fails.
 */
export interface CredentialStore {
  /** For the settings page and the docs: which backend holds the secrets. */
  readonly backend: 'keychain' | 'safe-storage' | 'unavailable';
  get(profileId: string, kind: SecretKind): Promise<string | null>;
  set(profileId: string, kind: SecretKind, secret: string): Promise<void>;
  delete(profileId: string, kind: SecretKind): Promise<void>;
  /** Removes every secret of the profile (used when the profile is removed). */
  deleteAll(profileId: string): Promise<void>;
  /** Which kinds of secret are stored for the profile. */
  kinds(profileId: string): Promise<SecretKind[]>;
}

/** Account names are `<profileId>/<kind>`, so one profile's secrets can be found and removed together. */
export function accountName(profileId: string, kind: SecretKind): string {
  return `${profileId}/${kind}`;
}

export function parseAccountName(account: string): { profileId: string; kind: SecretKind } | null {
  const slash = account.lastIndexOf('/');
  const kind = account.slice(slash + 1) as SecretKind;
  if (slash <= 0 || !SECRET_KINDS.includes(kind)) return null;
  return { profileId: account.slice(0, slash), kind };
}

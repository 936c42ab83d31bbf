import { AppError } from '../../../shared/errors.ts';
import type { SecretKind } from '../../../shared/ipc/channels/connections.ts';
import type { CredentialStore } from './credential-store.ts';

/**
 * Neither a keychain nor OS encryption: the app still runs (profiles, offline cache),
 * but cannot keep a session; signing in asks every time and nothing is written.
 */
export class UnavailableCredentialStore implements CredentialStore {
  readonly backend = 'unavailable';
  readonly reason: string;

  constructor(reason: string) {
    this.reason = reason;
  }

  async get(): Promise<string | null> {
    return null;
  }

  async set(_profileId: string, _kind: SecretKind, _secret: string): Promise<void> {
    throw new AppError('E_KEYCHAIN_UNAVAILABLE', undefined, { reason: this.reason });
  }

  async delete(): Promise<void> {}

  async deleteAll(): Promise<void> {}

  async kinds(): Promise<SecretKind[]> {
    return [];
  }
}

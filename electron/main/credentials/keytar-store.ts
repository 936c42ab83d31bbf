import { AppError } from '../../../shared/errors.ts';
import type { SecretKind } from '../../../shared/ipc/channels/connections.ts';
import { accountName, parseAccountName, type CredentialStore } from './credential-store.ts';

/** The keytar functions used (keytar is loaded lazily by the caller, it is a native module). */
export interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export const KEYCHAIN_SERVICE = 'SmartCloudOps';

async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new AppError('E_KEYCHAIN_UNAVAILABLE', 'The OS keychain did not answer.', { reason: (error as Error).message });
  }
}

/** Secrets in the OS keychain (Keychain, Credential Manager, Secret Service) via keytar. */
export class KeytarCredentialStore implements CredentialStore {
  readonly backend = 'keychain';
  private readonly keytar: Keytar;
  private readonly service: string;

  constructor(keytar: Keytar, service: string = KEYCHAIN_SERVICE) {
    this.keytar = keytar;
    this.service = service;
  }

  get(profileId: string, kind: SecretKind): Promise<string | null> {
    return guarded(() => this.keytar.getPassword(this.service, accountName(profileId, kind)));
  }

  set(profileId: string, kind: SecretKind, secret: string): Promise<void> {
    return guarded(() => this.keytar.setPassword(this.service, accountName(profileId, kind), secret));
  }

  async delete(profileId: string, kind: SecretKind): Promise<void> {
    await guarded(() => this.keytar.deletePassword(this.service, accountName(profileId, kind)));
  }

  async deleteAll(profileId: string): Promise<void> {
    for (const kind of await this.kinds(profileId)) await this.delete(profileId, kind);
  }

  async kinds(profileId: string): Promise<SecretKind[]> {
    const credentials = await guarded(() => this.keytar.findCredentials(this.service));
    return credentials
      .map(({ account }) => parseAccountName(account))
      .filter((parsed) => parsed?.profileId === profileId)
      .map((parsed) => parsed!.kind)
      .sort();
  }
}

import type { CredentialStore } from './credential-store.ts';
import { KEYCHAIN_SERVICE, KeytarCredentialStore, type Keytar } from './keytar-store.ts';
import { SafeStorageCredentialStore, type SecretCipher } from './safe-storage-store.ts';
import { UnavailableCredentialStore } from './unavailable-store.ts';

export interface SelectStoreOptions {
  /** Loads keytar; a failure to load (no libsecret) counts as "no keychain". */
  loadKeytar: () => Promise<Keytar>;
  cipher: SecretCipher;
  /** Encrypted secrets file for the safeStorage fallback. */
  vaultFile: string;
  service?: string;
}

/**
 * The OS keychain when its service answers, else safeStorage encryption when the OS
 * offers it, else no persistence at all. Probing with a read makes a missing Secret
 * Service (a Linux box without a keyring daemon) fall back at start-up, not at the
 * first sign-in.
 */
export async function selectCredentialStore(options: SelectStoreOptions): Promise<CredentialStore> {
  const service = options.service ?? KEYCHAIN_SERVICE;
  let keychainProblem: string;
  try {
    const keytar = await options.loadKeytar();
    await keytar.findCredentials(service);
    return new KeytarCredentialStore(keytar, service);
  } catch (error) {
    keychainProblem = (error as Error).message;
  }
  if (await options.cipher.isAvailable()) return new SafeStorageCredentialStore(options.cipher, options.vaultFile);
  return new UnavailableCredentialStore(`no keychain (${keychainProblem}) and no OS encryption`);
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import type { CredentialStore } from '../main/credentials/credential-store.ts';
import { KeytarCredentialStore } from '../main/credentials/keytar-store.ts';
import { SafeStorageCredentialStore } from '../main/credentials/safe-storage-store.ts';
import { createAesGcmCipher } from './aes-cipher.ts';
import { loadKeytar, testServiceName } from './keytar.ts';

/**
 * The real keychain (the private gnome-keyring of the test run) when it is up, else the
 * safeStorage store over real AES-GCM, plus a cleanup that removes what the test stored.
 */
export function testCredentialStore(): { store: CredentialStore; cleanUp: () => Promise<void> } {
  if (inject('secretServiceUnavailable') === null) {
    const keytar = loadKeytar();
    const service = testServiceName();
    return {
      store: new KeytarCredentialStore(keytar, service),
      async cleanUp() {
        for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
      },
    };
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-credentials-'));
  return {
    store: new SafeStorageCredentialStore(createAesGcmCipher(), path.join(folder, 'secrets.json')),
    async cleanUp() {
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

import type { SafeStorage } from 'electron';
import type { SecretCipher } from './safe-storage-store.ts';

/**
 * Electron's safeStorage as a SecretCipher, through its asynchronous API. On Linux a
 * `basic_text` backend means "encrypted with a hard-coded key", which is plain text
 * with extra steps, so it counts as unavailable.
 */
export function safeStorageCipher(
  safeStorage: Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'>,
  platform: NodeJS.Platform,
): SecretCipher {
  return {
    async isAvailable() {
      if (!(await safeStorage.isAsyncEncryptionAvailable())) return false;
      return platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
    },
    encrypt: (plainText) => safeStorage.encryptStringAsync(plainText),
    async decrypt(cipherText) {
      return (await safeStorage.decryptStringAsync(cipherText)).result;
    },
  };
}

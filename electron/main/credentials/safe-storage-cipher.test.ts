import { describe, expect, it } from 'vitest';
import { safeStorageCipher } from './safe-storage-cipher.ts';
import { createAesGcmCipher } from '../../test/aes-cipher.ts';

/** Electron's safeStorage surface over the AES stand-in, with a chosen Linux backend. */
function safeStorage(backend: 'basic_text' | 'gnome_libsecret' | 'kwallet6', available = true) {
  const aes = createAesGcmCipher();
  return {
    isAsyncEncryptionAvailable: async () => available,
    getSelectedStorageBackend: () => backend,
    encryptStringAsync: (plainText: string) => aes.encrypt(plainText),
    decryptStringAsync: async (cipherText: Buffer) => ({ result: await aes.decrypt(cipherText), shouldReEncrypt: false }),
  };
}

describe('safeStorage as a SecretCipher', () => {
  it('round-trips through the async API', async () => {
    const cipher = safeStorageCipher(safeStorage('gnome_libsecret'), 'linux');
    expect(await cipher.isAvailable()).toBe(true);
    expect(await cipher.decrypt(await cipher.encrypt('refresh-token'))).toBe('refresh-token');
  });

  it('treats the hard-coded-key Linux backend as no encryption at all', async () => {
    expect(await safeStorageCipher(safeStorage('basic_text'), 'linux').isAvailable()).toBe(false);
    expect(await safeStorageCipher(safeStorage('basic_text'), 'darwin').isAvailable()).toBe(true);
    expect(await safeStorageCipher(safeStorage('kwallet6', false), 'linux').isAvailable()).toBe(false);
  });
});

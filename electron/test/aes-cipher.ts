import crypto from 'node:crypto';
import type { SecretCipher } from '../main/credentials/safe-storage-store.ts';

/**
 * Stands in for the operating system behind Electron's safeStorage (which needs the
 * Electron runtime): real AES-256-GCM with a key the "OS" keeps, so tests see genuine
 * cipher text, authentication failures and all.
 */
export function createAesGcmCipher(options: { available?: boolean } = {}): SecretCipher & { key: Buffer } {
  const key = crypto.randomBytes(32);
  return {
    key,
    async isAvailable() {
      return options.available ?? true;
    },
    async encrypt(plainText) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async decrypt(cipherText) {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, cipherText.subarray(0, 12));
      decipher.setAuthTag(cipherText.subarray(12, 28));
      return Buffer.concat([decipher.update(cipherText.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

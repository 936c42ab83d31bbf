import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const KEY_FILE = 'datasource-secrets.key';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts data source credentials at rest with AES-256-GCM. The key is generated on first
 * use and kept in the data folder with owner-only permissions, apart from the database, so
 * a copied database file alone does not reveal the secrets. GCM's tag also refuses a
 * ciphertext that was altered or written under another key.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(dataDir: string) {
    this.#key = loadOrCreateKey(path.join(dataDir, KEY_FILE));
  }

  seal(plaintext: string): Buffer {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer): string {
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed secret is truncated');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

function loadOrCreateKey(file: string): Buffer {
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} is not a valid 256-bit key file`);
    fs.chmodSync(file, 0o600);
    return key;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = crypto.randomBytes(32);
  // `wx`: two servers starting on one fresh folder must not each write a different key.
  try {
    fs.writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateKey(file);
    throw error;
  }
  return key;
}

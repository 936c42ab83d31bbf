import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SqlDatabase } from '../db/sql/open.ts';

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

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('a data source secret key has 256 bits');
    this.#key = key;
  }

  /** The data folder's key (created on first use): SQLite's default. */
  static fromDataDir(dataDir: string): SecretBox {
    return new SecretBox(loadOrCreateKey(path.join(dataDir, KEY_FILE)));
  }

  /**
   * The key every replica must share (docs/datasources.md, "Secrets"):
   * SMARTCLOUDOPS_DATASOURCE_KEY when set (base64 of 32 bytes, the key file's format);
   * otherwise on SQLite the data folder's key file; on PostgreSQL the one row of
   * `datasource_secret_key`, which the first replica to start writes (with its data
   * folder's key when it has one, so an installation copied by `smartcloudops migrate`
   * keeps decrypting its secrets) and every other replica reads.
   */
  static async load(options: { envKey: string | undefined; dataDir: string; sql: SqlDatabase; now: () => number }): Promise<SecretBox> {
    if (options.envKey) return new SecretBox(parseKey(options.envKey, 'SMARTCLOUDOPS_DATASOURCE_KEY'));
    if (options.sql.dialect !== 'postgres') return SecretBox.fromDataDir(options.dataDir);
    const file = path.join(options.dataDir, KEY_FILE);
    const seed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : crypto.randomBytes(32).toString('base64');
    parseKey(seed, file);
    // ON CONFLICT: replicas starting together all offer a key; the first one written wins and all read it back.
    await options.sql.db.insertInto('datasource_secret_key').values({ id: 1, key: seed, created_at: options.now() }).onConflict((oc) => oc.column('id').doNothing()).execute();
    const row = await options.sql.db.selectFrom('datasource_secret_key').select('key').where('id', '=', 1).executeTakeFirstOrThrow();
    return new SecretBox(parseKey(row.key, 'the datasource_secret_key row'));
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

function parseKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${where} is not a valid 256-bit key (base64 of 32 bytes)`);
  return key;
}

function loadOrCreateKey(file: string): Buffer {
  if (fs.existsSync(file)) {
    const key = parseKey(fs.readFileSync(file, 'utf8'), `${file}`);
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

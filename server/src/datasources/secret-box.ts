import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SqlDatabase } from '../db/sql/open.ts';
import { ConfigError } from '../config.ts';
import { SetupError } from '../setup-error.ts';

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
    if (options.envKey) {
      // Never echo the value: it is a secret.
      return new SecretBox(parseKey(options.envKey, () => new ConfigError('SMARTCLOUDOPS_DATASOURCE_KEY', 'must be a 256-bit key, base64 of 32 bytes (for example: openssl rand -base64 32)')));
    }
    if (options.sql.dialect !== 'postgres') return SecretBox.fromDataDir(options.dataDir);
    const file = path.join(options.dataDir, KEY_FILE);
    const seed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : crypto.randomBytes(32).toString('base64');
    parseKey(seed, file);
    // ON CONFLICT: replicas starting together all offer a key; the first one written wins and all read it back.
    await options.sql.db.insertInto('datasource_secret_key').values({ id: 1, key: seed, created_at: options.now() }).onConflict((oc) => oc.column('id').doNothing()).execute();
    const row = await options.sql.db.selectFrom('datasource_secret_key').select('key').where('id', '=', 1).executeTakeFirstOrThrow();
    return new SecretBox(parseKey(row.key, 'the datasource_secret_key row'));
  }

  /**
   * A key of its own for another use of this one shared key (HKDF-SHA256, `purpose` as its
   * info): the same on every replica and as private as the secrets' key, without using
   * that key for two things (the runbook plan hash, plan-hash.ts).
   */
  derive(purpose: string): Buffer {
    return Buffer.from(crypto.hkdfSync('sha256', this.#key, Buffer.alloc(0), purpose, 32));
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

/** The stored key is damaged: start-up stops naming it (main.ts), since the secrets sealed with it cannot be opened without it. */
export class SecretKeyError extends SetupError {
  constructor(where: string) {
    super(
      `${where} is not a valid 256-bit key (base64 of 32 bytes): restore it from a backup of the data folder, or set SMARTCLOUDOPS_DATASOURCE_KEY to the key. ` +
        'Data source credentials sealed with the lost key cannot be decrypted; only if there are none may the file be deleted (a new key is then created).',
    );
    this.name = 'SecretKeyError';
  }
}

/** A base64 256-bit key; `invalid` says what is wrong where it came from (by default: a stored key, SecretKeyError). */
function parseKey(text: string, where: string | (() => Error)): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw typeof where === 'string' ? new SecretKeyError(where) : where();
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
  // Written whole and synced under a temporary name, then linked into place: a crash (or
  // a full disk) part-way leaves no key file or the whole one, never an empty file that
  // would stop every later start. `link` fails if the name exists: two servers starting on
  // one fresh folder must not each keep a different key.
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(temp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, key.toString('base64'));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateKey(file);
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return key;
}

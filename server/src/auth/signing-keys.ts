import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export interface SigningKey {
  kid: string;
  /** HS256 secret, base64url. */
  secret: string;
  createdAt: number;
}

interface KeyFile {
  version: 1;
  /** Newest last; the last key signs, all verify until they are pruned. */
  keys: SigningKey[];
}

/**
 * JWT signing keys, generated on first run and kept in the data folder with owner-only
 * permissions (never in the repository or a default). Tokens carry the key id (`kid`), so
 * a rotation signs new tokens with a new key while tokens of the old key stay valid until
 * they expire.
 */
export class SigningKeyStore {
  readonly #file: string;
  #keys: SigningKey[];

  constructor(dataDir: string) {
    this.#file = path.join(dataDir, 'jwt-keys.json');
    this.#keys = this.#load();
  }

  get current(): SigningKey {
    return this.#keys[this.#keys.length - 1]!;
  }

  find(kid: string): SigningKey | undefined {
    return this.#keys.find((key) => key.kid === kid);
  }

  /** Adds a new signing key; keeps the previous ones (at most `keep`) for verification. */
  rotate(keep = 3): SigningKey {
    this.#keys = [...this.#keys, newKey()].slice(-keep);
    this.#save();
    return this.current;
  }

  #load(): SigningKey[] {
    if (fs.existsSync(this.#file)) {
      const parsed = JSON.parse(fs.readFileSync(this.#file, 'utf8')) as KeyFile;
      if (parsed.version !== 1 || !Array.isArray(parsed.keys) || parsed.keys.length === 0) {
        throw new Error(`${this.#file} is not a valid signing key file`);
      }
      fs.chmodSync(this.#file, 0o600);
      return parsed.keys;
    }
    this.#keys = [newKey()];
    this.#save();
    return this.#keys;
  }

  #save(): void {
    const body: KeyFile = { version: 1, keys: this.#keys };
    const tmp = `${this.#file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(body), { mode: 0o600 });
    fs.renameSync(tmp, this.#file);
  }
}

function newKey(): SigningKey {
  return { kid: crypto.randomBytes(8).toString('hex'), secret: crypto.randomBytes(32).toString('base64url'), createdAt: Date.now() };
}

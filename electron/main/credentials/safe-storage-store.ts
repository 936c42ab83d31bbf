import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { SecretKind } from '../../../shared/ipc/channels/connections.ts';
import { accountName, parseAccountName, type CredentialStore } from './credential-store.ts';

/**
 * Encryption by the operating system (Electron's safeStorage in the app: DPAPI, Keychain
 * key, kwallet or libsecret key). Injected so the store is testable without Electron.
 */
export interface SecretCipher {
  isAvailable(): Promise<boolean>;
  encrypt(plainText: string): Promise<Buffer>;
  decrypt(cipherText: Buffer): Promise<string>;
}

interface VaultFile {
  version: 1;
  /** account name -> base64 cipher text */
  secrets: Record<string, string>;
}

/**
 * The fallback where no keychain service exists: each secret encrypted by safeStorage,
 * the cipher texts kept in one JSON file (mode 0600) in the user data folder. Refuses to
 * store anything when encryption is not available rather than fall back to plain text.
 */
export class SafeStorageCredentialStore implements CredentialStore {
  readonly backend = 'safe-storage';
  private readonly cipher: SecretCipher;
  private readonly file: string;
  /** Serializes read-modify-write cycles of the vault file. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(cipher: SecretCipher, file: string) {
    this.cipher = cipher;
    this.file = file;
  }

  async get(profileId: string, kind: SecretKind): Promise<string | null> {
    await this.requireEncryption();
    const stored = this.read().secrets[accountName(profileId, kind)];
    if (stored === undefined) return null;
    try {
      return await this.cipher.decrypt(Buffer.from(stored, 'base64'));
    } catch (error) {
      throw new AppError('E_KEYCHAIN_UNAVAILABLE', 'A stored secret could not be decrypted.', { reason: (error as Error).message });
    }
  }

  set(profileId: string, kind: SecretKind, secret: string): Promise<void> {
    return this.exclusive(async () => {
      await this.requireEncryption();
      const encrypted = await this.cipher.encrypt(secret);
      const vault = this.read();
      vault.secrets[accountName(profileId, kind)] = encrypted.toString('base64');
      this.write(vault);
    });
  }

  delete(profileId: string, kind: SecretKind): Promise<void> {
    return this.exclusive(async () => {
      const vault = this.read();
      delete vault.secrets[accountName(profileId, kind)];
      this.write(vault);
    });
  }

  deleteAll(profileId: string): Promise<void> {
    return this.exclusive(async () => {
      const vault = this.read();
      for (const account of Object.keys(vault.secrets)) {
        if (parseAccountName(account)?.profileId === profileId) delete vault.secrets[account];
      }
      this.write(vault);
    });
  }

  async kinds(profileId: string): Promise<SecretKind[]> {
    return Object.keys(this.read().secrets)
      .map((account) => parseAccountName(account))
      .filter((parsed) => parsed?.profileId === profileId)
      .map((parsed) => parsed!.kind)
      .sort();
  }

  private async requireEncryption(): Promise<void> {
    if (!(await this.cipher.isAvailable())) throw new AppError('E_KEYCHAIN_UNAVAILABLE', 'The operating system offers no encryption for stored secrets.');
  }

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private read(): VaultFile {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { version: 1, secrets: {} };
      throw new AppError('E_KEYCHAIN_UNAVAILABLE', 'The encrypted secrets file cannot be read.', { reason: code });
    }
    let parsed: Partial<VaultFile> | null = null;
    try {
      parsed = JSON.parse(raw) as Partial<VaultFile> | null;
    } catch {
      // falls through to setting the file aside
    }
    if (parsed?.version !== 1 || typeof parsed.secrets !== 'object' || parsed.secrets === null || Array.isArray(parsed.secrets)) {
      // Damaged (a crash of another program, a disk error, a hand edit): its secrets cannot be
      // read anyway. Set aside, not overwritten, like connections.json; sign-ins keep working.
      fs.renameSync(this.file, `${this.file}.damaged-${Date.now()}`);
      return { version: 1, secrets: {} };
    }
    const secrets: Record<string, string> = {};
    for (const [account, cipherText] of Object.entries(parsed.secrets)) if (typeof cipherText === 'string') secrets[account] = cipherText;
    return { version: 1, secrets };
  }

  private write(vault: VaultFile): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(temporary, JSON.stringify(vault), { mode: 0o600 });
      fs.renameSync(temporary, this.file);
    } catch (error) {
      // A full or read-only disk: like a keychain that refuses (the error's text carries the path).
      fs.rmSync(temporary, { force: true });
      throw new AppError('E_KEYCHAIN_UNAVAILABLE', 'The encrypted secrets file cannot be written.', { reason: (error as NodeJS.ErrnoException).code });
    }
  }
}

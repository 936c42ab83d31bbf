import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SafeStorageCredentialStore } from './safe-storage-store.ts';
import { createAesGcmCipher } from '../../test/aes-cipher.ts';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-vault-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

describe('safeStorage fallback store', () => {
  it('round-trips secrets and never writes them in plain text', async () => {
    const file = path.join(folder, 'vault', 'secrets.json');
    const store = new SafeStorageCredentialStore(createAesGcmCipher(), file);
    await Promise.all([store.set('prod', 'refreshToken', 'refresh-secret-value'), store.set('prod', 'password', 'password-secret-value'), store.set('lab', 'apiKey', 'api-secret-value')]);
    expect(await store.get('prod', 'refreshToken')).toBe('refresh-secret-value');
    expect(await store.get('lab', 'apiKey')).toBe('api-secret-value');
    expect(await store.kinds('prod')).toEqual(['password', 'refreshToken']);
    const onDisk = fs.readFileSync(file, 'utf8');
    for (const secret of ['refresh-secret-value', 'password-secret-value', 'api-secret-value']) {
      expect(onDisk).not.toContain(secret);
      expect(onDisk).not.toContain(Buffer.from(secret).toString('base64'));
    }
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('removes all secrets of a profile and keeps the others', async () => {
    const store = new SafeStorageCredentialStore(createAesGcmCipher(), path.join(folder, 'remove.json'));
    await store.set('prod', 'refreshToken', 'a');
    await store.set('prod', 'apiKey', 'b');
    await store.set('lab', 'apiKey', 'c');
    await store.deleteAll('prod');
    expect(await store.kinds('prod')).toEqual([]);
    expect(await store.get('prod', 'apiKey')).toBeNull();
    expect(await store.get('lab', 'apiKey')).toBe('c');
  });

  it('refuses to store anything when the OS offers no encryption', async () => {
    const file = path.join(folder, 'refused.json');
    const store = new SafeStorageCredentialStore(createAesGcmCipher({ available: false }), file);
    await expect(store.set('prod', 'password', 'x')).rejects.toMatchObject({ code: 'E_KEYCHAIN_UNAVAILABLE' });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('reports a secret encrypted under another key as unavailable, not as garbage', async () => {
    const file = path.join(folder, 'rekeyed.json');
    await new SafeStorageCredentialStore(createAesGcmCipher(), file).set('prod', 'password', 'x');
    await expect(new SafeStorageCredentialStore(createAesGcmCipher(), file).get('prod', 'password')).rejects.toMatchObject({ code: 'E_KEYCHAIN_UNAVAILABLE' });
  });

  it('sets a damaged secrets file aside and goes on with an empty one', async () => {
    for (const [name, content] of Object.entries({ truncated: '{"version":1,"secrets":{"prod/pass', notJson: 'garbage', nullJson: 'null', wrongShape: '{"version":1,"secrets":[]}' })) {
      const dir = fs.mkdtempSync(path.join(folder, `damaged-${name}-`));
      const file = path.join(dir, 'secrets.json');
      fs.writeFileSync(file, content, { mode: 0o600 });
      const store = new SafeStorageCredentialStore(createAesGcmCipher(), file);
      await expect(store.get('prod', 'password'), name).resolves.toBeNull();
      await expect(store.kinds('prod'), name).resolves.toEqual([]);
      await store.set('prod', 'refreshToken', 'r');
      expect(await store.get('prod', 'refreshToken')).toBe('r');
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith('secrets.json.damaged-'));
      expect(aside, name).toHaveLength(1);
      expect(fs.readFileSync(path.join(dir, aside[0]!), 'utf8')).toBe(content);
    }
  });

  it('reports a secrets file it cannot read or write as unavailable, without its path', async () => {
    // The file is a folder, and its folder a file: reads and writes fail on any user, root too.
    const unreadable = path.join(folder, 'a-folder.json');
    fs.mkdirSync(unreadable);
    await expect(new SafeStorageCredentialStore(createAesGcmCipher(), unreadable).get('prod', 'password')).rejects.toMatchObject({ code: 'E_KEYCHAIN_UNAVAILABLE', details: { reason: 'EISDIR' } });
    fs.writeFileSync(path.join(folder, 'not-a-folder'), '');
    const unwritable = new SafeStorageCredentialStore(createAesGcmCipher(), path.join(folder, 'not-a-folder', 'secrets.json'));
    const refusal = await unwritable.set('prod', 'password', 'x').catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'E_KEYCHAIN_UNAVAILABLE' });
    expect(JSON.stringify(refusal)).not.toContain(folder);
  });
});

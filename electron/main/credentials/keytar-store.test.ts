import { afterAll, describe, expect, inject, it } from 'vitest';
import { KeytarCredentialStore } from './keytar-store.ts';
import { loadKeytar, testServiceName } from '../../test/keytar.ts';

const unavailable = inject('secretServiceUnavailable');

describe.skipIf(unavailable !== null)(`keytar store against gnome-keyring${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  const service = testServiceName();
  const keytar = loadKeytar();
  const store = new KeytarCredentialStore(keytar, service);
  afterAll(async () => {
    for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
  });

  it('round-trips secrets through the Secret Service', async () => {
    await store.set('prod', 'refreshToken', 'rt-1');
    await store.set('prod', 'password', 'p@ss wörd');
    expect(await store.get('prod', 'refreshToken')).toBe('rt-1');
    expect(await store.get('prod', 'password')).toBe('p@ss wörd');
    expect(await store.get('prod', 'apiKey')).toBeNull();
    expect(await store.kinds('prod')).toEqual(['password', 'refreshToken']);
    await store.set('prod', 'refreshToken', 'rt-2');
    expect(await store.get('prod', 'refreshToken')).toBe('rt-2');
    expect(await keytar.getPassword(service, 'prod/refreshToken')).toBe('rt-2');
  });

  it('deletes one secret, then all secrets of one profile only', async () => {
    await store.set('staging', 'apiKey', 'sco_key');
    await store.set('prod', 'apiKey', 'sco_other');
    await store.delete('prod', 'password');
    expect(await store.kinds('prod')).toEqual(['apiKey', 'refreshToken']);
    await store.deleteAll('prod');
    expect(await store.kinds('prod')).toEqual([]);
    expect(await store.get('staging', 'apiKey')).toBe('sco_key');
  });
});

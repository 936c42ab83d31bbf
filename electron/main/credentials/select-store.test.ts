import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { selectCredentialStore } from './select-store.ts';
import { createAesGcmCipher } from '../../test/aes-cipher.ts';
import { loadKeytar, testServiceName } from '../../test/keytar.ts';
import type { Keytar } from './keytar-store.ts';

const unavailable = inject('secretServiceUnavailable');
const vaultFile = path.join(os.tmpdir(), `sco-select-${process.pid}.json`);
const fixture = fileURLToPath(new URL('../../test/fixtures/select-store.ts', import.meta.url));

describe('credential store selection', () => {
  it.skipIf(unavailable !== null)(`uses the OS keychain when its service answers${unavailable ? ` (skipped: ${unavailable})` : ''}`, async () => {
    const store = await selectCredentialStore({ loadKeytar: async () => loadKeytar(), cipher: createAesGcmCipher(), vaultFile, service: testServiceName() });
    expect(store.backend).toBe('keychain');
  });

  it('falls back to safeStorage encryption when no Secret Service is reachable', () => {
    const backend = execFileSync(process.execPath, [fixture], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(os.tmpdir(), 'sco-no-such-bus')}` },
      encoding: 'utf8',
    });
    expect(backend).toBe('safe-storage');
  });

  it('falls back when keytar cannot even be loaded', async () => {
    const store = await selectCredentialStore({
      loadKeytar: async () => (await import(/* @vite-ignore */ ['keytar', 'missing'].join('-'))) as Keytar,
      cipher: createAesGcmCipher(),
      vaultFile,
    });
    expect(store.backend).toBe('safe-storage');
  });

  it('stores nothing when there is neither a keychain nor OS encryption', async () => {
    const store = await selectCredentialStore({
      loadKeytar: async () => (await import(/* @vite-ignore */ ['keytar', 'missing'].join('-'))) as Keytar,
      cipher: createAesGcmCipher({ available: false }),
      vaultFile,
    });
    expect(store.backend).toBe('unavailable');
    await expect(store.set('prod', 'refreshToken', 'x')).rejects.toMatchObject({ code: 'E_KEYCHAIN_UNAVAILABLE' });
    expect(await store.get('prod', 'refreshToken')).toBeNull();
  });
});

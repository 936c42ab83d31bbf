import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../../../server/src/testing/test-server.ts';
import type { AuthStatus } from '../../../shared/ipc/channels/auth.ts';
import type { ConnectionList } from '../../../shared/ipc/channels/connections.ts';
import { AppError } from '../../../shared/errors.ts';
import { testCredentialStore } from '../../test/credential-store.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import { createServerAxios } from '../http/create-axios.ts';
import { DEFAULT_RETRY } from '../http/retry.ts';
import { ServerSession } from '../http/server-session.ts';
import { ConnectionService } from './connection-service.ts';
import { probeServer } from './probe-server.ts';
import { ProfileStore } from './profile-store.ts';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-connections-'));
let server: TestServer;
const { store: credentials, cleanUp } = testCredentialStore();

beforeAll(async () => {
  server = await startTestServer({ listen: true });
});
afterAll(async () => {
  await server.close();
  await cleanUp();
  fs.rmSync(folder, { recursive: true, force: true });
});

function service(file: string, events: { lists: ConnectionList[]; auth: AuthStatus[] } = { lists: [], auth: [] }, problems: string[] = []) {
  let next = 0;
  return new ConnectionService({
    profiles: new ProfileStore(path.join(folder, file)),
    credentials,
    createSession: (profile, onChange) =>
      new ServerSession({ profileId: profile.id, http: createServerAxios(profile.url, profile.tls), credentials, onChange, retry: { ...DEFAULT_RETRY, retries: 0 } }),
    probe: probeServer,
    createId: () => `${path.basename(file, '.json')}-${(next += 1)}`,
    onListChanged: (list) => events.lists.push(list),
    onAuthChanged: (status) => events.auth.push(status),
    onProblem: (problem) => problems.push(problem),
  });
}

describe('connections', () => {
  it('adds, edits and lists profiles, persisted in the user data folder without secrets', async () => {
    const connections = service('crud.json');
    const added = await connections.add({ name: ' Production ', url: `${server.url}/`, tls: {} });
    expect(added).toEqual({ id: 'crud-1', name: 'Production', url: server.url, tls: {}, username: null, storedSecrets: [] });
    await connections.update({ id: added.id, name: 'Prod EU' });
    await connections.login({ profileId: added.id, method: 'password', username: 'admin', password: TEST_ADMIN_PASSWORD, rememberPassword: true });
    const list = await service('crud.json').list();
    expect(list.activeId).toBe(added.id);
    expect(list.profiles).toEqual([{ ...added, name: 'Prod EU', username: 'admin', storedSecrets: ['password', 'refreshToken'] }]);
    const onDisk = fs.readFileSync(path.join(folder, 'crud.json'), 'utf8');
    expect(onDisk).not.toContain(TEST_ADMIN_PASSWORD);
    expect(onDisk).not.toContain((await credentials.get(added.id, 'refreshToken'))!);
  });

  it('answers a rename made while the keychain refuses to list its secrets, as made', async () => {
    const file = path.join(folder, 'refusing.json');
    const refusing = { ...credentials, backend: credentials.backend, kinds: () => Promise.reject(new AppError('E_KEYCHAIN_UNAVAILABLE')) } as CredentialStore;
    const connections = new ConnectionService({ profiles: new ProfileStore(file), credentials: refusing, createSession: () => { throw new Error('no session here'); }, probe: probeServer, createId: () => 'refusing-1' });
    await connections.add({ name: 'Lab', url: server.url });
    await expect(connections.update({ id: 'refusing-1', name: 'Lab 2' })).resolves.toMatchObject({ name: 'Lab 2', storedSecrets: [] });
    expect(new ProfileStore(file).get('refusing-1')?.name).toBe('Lab 2');
  });

  it('refuses URLs that are not plain http(s) server addresses', async () => {
    const connections = service('invalid.json');
    for (const url of ['ftp://ops.example.com', 'https://admin:pw@ops.example.com', 'https://ops.example.com/?next=x']) {
      await expect(connections.add({ name: 'x', url })).rejects.toMatchObject({ code: 'E_VALIDATION' });
    }
  });

  it('refuses a profile it could not answer with or read back (a blank name, a URL that grows past the limit), keeping the others', async () => {
    const file = path.join(folder, 'unreadable.json');
    const connections = service('unreadable.json');
    const kept = await connections.add({ name: 'Kept', url: server.url });
    // Passes the contract's length checks, but is empty once trimmed / 6x longer once percent-encoded.
    await expect(connections.add({ name: '   ', url: server.url })).rejects.toMatchObject({ code: 'E_VALIDATION' });
    await expect(connections.add({ name: 'Long', url: `https://ops.example.com/${'é'.repeat(1_000)}` })).rejects.toMatchObject({ code: 'E_VALIDATION' });
    await expect(connections.update({ id: kept.id, name: ' ' })).rejects.toMatchObject({ code: 'E_VALIDATION' });
    // A change refused is no change: the server's secrets are still there.
    await credentials.set(kept.id, 'apiKey', 'kept-api-key');
    await expect(connections.update({ id: kept.id, url: `https://ops.example.com/${'é'.repeat(1_000)}` })).rejects.toMatchObject({ code: 'E_VALIDATION' });
    expect(await credentials.get(kept.id, 'apiKey')).toBe('kept-api-key');
    await credentials.deleteAll(kept.id);
    expect((await connections.list()).profiles.map((profile) => profile.name)).toEqual(['Kept']);
    // The file still reads back whole: nothing was set aside as damaged.
    expect(new ProfileStore(file).list().map((profile) => profile.name)).toEqual(['Kept']);
    expect(fs.readdirSync(folder).filter((name) => name.startsWith('unreadable.json.damaged'))).toEqual([]);
  });

  it('removing a profile removes its secrets from the keychain', async () => {
    const events = { lists: [] as ConnectionList[], auth: [] as AuthStatus[] };
    const connections = service('remove.json', events);
    const doomed = await connections.add({ name: 'Doomed', url: server.url });
    const kept = await connections.add({ name: 'Kept', url: server.url });
    await connections.login({ profileId: kept.id, method: 'password', username: 'admin', password: TEST_ADMIN_PASSWORD });
    await connections.login({ profileId: doomed.id, method: 'password', username: 'admin', password: TEST_ADMIN_PASSWORD, rememberPassword: true });
    await credentials.set(doomed.id, 'apiKey', 'stale-key');
    const refreshToken = await credentials.get(doomed.id, 'refreshToken');
    expect(await credentials.kinds(doomed.id)).toEqual(['apiKey', 'password', 'refreshToken']);

    await connections.remove(doomed.id);
    expect(await credentials.kinds(doomed.id)).toEqual([]);
    expect(await credentials.get(doomed.id, 'password')).toBeNull();
    expect(await credentials.kinds(kept.id)).toEqual(['refreshToken']);
    expect((await connections.list()).profiles.map((profile) => profile.id)).toEqual([kept.id]);
    expect(connections.authStatus()).toEqual({ profileId: null, state: 'no-profile', method: null, user: null });
    expect(events.auth.at(-1)).toMatchObject({ state: 'no-profile' });
    // The session was revoked on the server too.
    const reuse = await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
    expect(reuse.statusCode).toBe(401);
  });

  it('changing the URL drops the secrets issued by the old server', async () => {
    const connections = service('move.json');
    const profile = await connections.add({ name: 'Moving', url: server.url });
    await connections.login({ profileId: profile.id, method: 'password', username: 'admin', password: TEST_ADMIN_PASSWORD });
    const moved = await connections.update({ id: profile.id, url: 'https://ops.example.com' });
    expect(moved.storedSecrets).toEqual([]);
    expect(connections.authStatus()).toMatchObject({ state: 'signed-out' });
  });

  it('selecting a profile resumes its stored session', async () => {
    const first = service('resume.json');
    const profile = await first.add({ name: 'Resume', url: server.url });
    await first.login({ profileId: profile.id, method: 'password', username: 'admin', password: TEST_ADMIN_PASSWORD });
    const afterRestart = service('resume.json');
    await expect(afterRestart.start()).resolves.toMatchObject({ profileId: profile.id, state: 'signed-in', method: 'password', user: { username: 'admin' } });
    await expect(afterRestart.activeSession().request({ method: 'GET', path: '/api/v1/auth/me' })).resolves.toMatchObject({ username: 'admin' });
    await expect(afterRestart.logout()).resolves.toMatchObject({ state: 'signed-out' });
    expect(await credentials.kinds(profile.id)).toEqual([]);
  });

  it('still resumes the stored session when the server it was started for cannot be adopted (SMARTCLOUDOPS_DEFAULT_SERVER mistyped)', async () => {
    const first = service('default-typo.json');
    const profile = await first.add({ name: 'Stored', url: server.url });
    await first.login({ profileId: profile.id, method: 'password', username: 'admin', password: TEST_ADMIN_PASSWORD });
    const problems: string[] = [];
    const afterRestart = service('default-typo.json', { lists: [], auth: [] }, problems);
    await expect(afterRestart.start({ url: 'localhost:8080', name: 'This computer' })).resolves.toMatchObject({ profileId: profile.id, state: 'signed-in' });
    expect(problems).toEqual([expect.stringMatching(/SMARTCLOUDOPS_DEFAULT_SERVER.*localhost:8080/)]);
    expect((await afterRestart.list()).profiles.map((each) => each.name)).toEqual(['Stored']);
  });

  it('adopts the server it was started for once, selecting it only when nothing else is', async () => {
    const connections = service('default.json');
    await connections.adoptDefaultServer(`${server.url}/`, 'This computer');
    await connections.adoptDefaultServer(server.url, 'This computer');
    const list = await connections.list();
    expect(list.profiles).toMatchObject([{ name: 'This computer', url: server.url }]);
    expect(list.activeId).toBe(list.profiles[0]!.id);
    const other = await connections.add({ name: 'Other', url: 'https://ops.example.com' });
    await connections.select(other.id);
    await connections.adoptDefaultServer('http://127.0.0.1:1', 'This computer');
    expect((await connections.list()).activeId).toBe(other.id);
  });

  it('tests a saved profile or a draft against the real server', async () => {
    const connections = service('probe.json');
    const profile = await connections.add({ name: 'Probe', url: server.url });
    await expect(connections.test({ id: profile.id })).resolves.toEqual({ serverVersion: expect.any(String), secure: false });
    await expect(connections.test({ url: `${server.url}/api/v1/auth` })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    await expect(connections.test({ url: `http://127.0.0.1:${port}` })).rejects.toMatchObject({ code: 'E_NETWORK' });
    await expect(connections.test({ id: 'nope' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});

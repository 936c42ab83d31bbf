import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProfileStore } from './profile-store.ts';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-profiles-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

const profile = (id: string) => ({ id, name: id, url: `https://${id}.example.com`, tls: {}, username: null });

describe('profile store', () => {
  it('keeps order on edit, clears the active id on removal, and persists', () => {
    const file = path.join(folder, 'connections.json');
    const store = new ProfileStore(file);
    store.put(profile('a'));
    store.put(profile('b'));
    store.put({ ...profile('a'), name: 'renamed' });
    store.setActive('a');
    store.remove('a');
    const reopened = new ProfileStore(file);
    expect(reopened.list()).toEqual([profile('b')]);
    expect(reopened.activeId()).toBeNull();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('sets a damaged file aside instead of overwriting it', () => {
    const file = path.join(folder, 'damaged.json');
    fs.writeFileSync(file, '{"version": 1, "profiles": [');
    const store = new ProfileStore(file);
    expect(store.list()).toEqual([]);
    const kept = fs.readdirSync(folder).filter((name) => name.startsWith('damaged.json.damaged-'));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(folder, kept[0]!), 'utf8')).toBe('{"version": 1, "profiles": [');
  });

  it('sets aside a file whose profiles the console could not be answered with, and forgets an active id it does not hold', () => {
    const cases: Record<string, unknown> = {
      'a number as id': { version: 1, activeId: null, profiles: [{ ...profile('a'), id: 5 }] },
      'no url': { version: 1, activeId: null, profiles: [{ id: 'a', name: 'a', tls: {}, username: null }] },
      'a file: url': { version: 1, activeId: null, profiles: [{ ...profile('a'), url: 'file:///etc' }] },
      'credentials in the url': { version: 1, activeId: null, profiles: [{ ...profile('a'), url: 'https://u:p@a.example.com' }] },
      'one id twice': { version: 1, activeId: null, profiles: [profile('a'), profile('a')] },
      'a null profile': { version: 1, activeId: null, profiles: [null] },
      'null': null,
    };
    for (const [name, content] of Object.entries(cases)) {
      const file = path.join(folder, `odd-${name.replaceAll(' ', '-').replace(':', '')}.json`);
      fs.writeFileSync(file, JSON.stringify(content));
      expect(new ProfileStore(file).list(), name).toEqual([]);
      expect(fs.readdirSync(folder).filter((f) => f.startsWith(`${path.basename(file)}.damaged-`)), name).toHaveLength(1);
    }
    const file = path.join(folder, 'stale-active.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, activeId: 'gone', profiles: [profile('a')] }));
    const store = new ProfileStore(file);
    expect(store.list()).toEqual([profile('a')]);
    expect(store.activeId()).toBeNull();
  });
});

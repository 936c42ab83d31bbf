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
});

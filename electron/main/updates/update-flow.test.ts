import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DebUpdater } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { UpdateStatus } from '../../../shared/ipc/channels/updates.ts';
import { useNodeHttp } from './node-http-executor.ts';
import { UpdateController } from './update-controller.ts';

// The whole update path against a real feed: electron-updater's own DebUpdater (the class
// the Linux .deb build runs) reads app-update.yml, fetches latest-linux.yml from an HTTP
// server on loopback, picks the version, downloads the file and checks its SHA-512.
// Only the Electron pieces are replaced: the app adapter and the HTTP executor.

const FEED_FILE = process.arch === 'arm64' ? 'latest-linux-arm64.yml' : 'latest-linux.yml';
const PACKAGE = 'smartcloudops-1.2.0-amd64.deb';

interface Feed {
  url: string;
  version: string;
  /** What the server sends for the package; the metadata always describes the genuine file. */
  served: Buffer;
  genuine: Buffer;
  requests: string[];
  close(): Promise<void>;
}

async function startFeed(version: string): Promise<Feed> {
  const genuine = randomBytes(300_000);
  const feed = { version, genuine, served: genuine, requests: [] as string[] } as Feed;
  const server = http.createServer((request, response) => {
    const { pathname } = new URL(request.url!, 'http://feed');
    feed.requests.push(pathname);
    if (pathname === `/${FEED_FILE}`) {
      const sha512 = createHash('sha512').update(feed.genuine).digest('base64');
      response.setHeader('content-type', 'text/yaml');
      response.end(
        stringify({
          version: feed.version,
          files: [{ url: PACKAGE, sha512, size: feed.genuine.length }],
          path: PACKAGE,
          sha512,
          releaseDate: '2026-12-01T10:00:00.000Z',
          releaseNotes: '<h2>SmartCloudOps 1.2.0</h2><ul><li>Faster incident timeline</li><li>Fixes &amp; polish</li></ul>',
        }),
      );
    } else if (pathname === `/${PACKAGE}`) {
      response.setHeader('content-length', String(feed.served.length));
      response.end(feed.served);
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feed.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  feed.close = () => new Promise((resolve) => server.close(() => resolve()));
  return feed;
}

/** What ElectronAppAdapter reads from `app`, pointed at a temporary folder. */
function appAdapter(dir: string, feedUrl: string): AppAdapter {
  const appUpdateConfigPath = path.join(dir, 'app-update.yml');
  // What electron-builder writes into resources/app-update.yml from `publish`.
  fs.writeFileSync(appUpdateConfigPath, stringify({ provider: 'generic', url: feedUrl, updaterCacheDirName: 'smartcloudops-updater' }));
  return {
    version: '1.0.0',
    name: 'SmartCloudOps',
    isPackaged: true,
    appUpdateConfigPath,
    userDataPath: path.join(dir, 'user-data'),
    baseCachePath: path.join(dir, 'cache'),
    whenReady: async () => undefined,
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  };
}

describe('updates from a real feed', () => {
  let dir: string;
  let feed: Feed;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-updates-'));
    feed = await startFeed('1.2.0');
  });
  afterEach(async () => {
    await feed.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function controller(feedUrl: string | null = null) {
    const updater = new DebUpdater(null, appAdapter(dir, feed.url));
    useNodeHttp(updater);
    updater.logger = null;
    const changes: UpdateStatus[] = [];
    const updates = new UpdateController({ updater, currentVersion: '1.0.0', enabled: true, feedUrl, onChange: (status) => changes.push(status) });
    return { updater, updates, changes };
  }
  const pending = () => path.join(dir, 'cache', 'smartcloudops-updater', 'pending');

  it('finds the new version with its notes, downloads it with progress and verifies it', async () => {
    const { updater, updates, changes } = controller();
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(() => updates.install()).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));

    const found = await updates.check();
    expect(found).toMatchObject({ state: 'available', currentVersion: '1.0.0', availableVersion: '1.2.0', errorMessage: null });
    expect(found.releaseNotes).toBe('SmartCloudOps 1.2.0\n• Faster incident timeline\n• Fixes & polish');
    expect(feed.requests).toContain(`/${FEED_FILE}`);
    expect(feed.requests).not.toContain(`/${PACKAGE}`);

    const done = await updates.download();
    expect(done).toMatchObject({ state: 'downloaded', availableVersion: '1.2.0', progress: null, errorMessage: null });
    expect(changes.some((change) => change.state === 'downloading')).toBe(true);
    expect(changes.filter((change) => change.progress).at(-1)!.progress).toMatchObject({ percent: 100, transferred: feed.genuine.length, total: feed.genuine.length });
    expect(fs.readFileSync(path.join(pending(), PACKAGE)).equals(feed.genuine)).toBe(true);
    // A second check while an update waits for its restart does not start over.
    await expect(updates.check()).resolves.toMatchObject({ state: 'downloaded' });
  });

  it('refuses a file whose SHA-512 does not match the feed, and keeps nothing of it', async () => {
    const tampered = Buffer.from(feed.genuine);
    tampered[1000] = tampered[1000]! ^ 0xff;
    feed.served = tampered;
    const { updates } = controller();
    await updates.check();
    const refused = await updates.download();
    expect(refused.state).toBe('error');
    expect(refused.errorMessage).toMatch(/sha512 checksum mismatch/);
    expect(fs.existsSync(path.join(pending(), PACKAGE))).toBe(false);
    expect(() => updates.install()).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));

    // The genuine file is taken once the feed serves it again.
    feed.served = feed.genuine;
    await expect(updates.check()).resolves.toMatchObject({ state: 'available' });
    await expect(updates.download()).resolves.toMatchObject({ state: 'downloaded' });
  });

  it('says "not available" when the feed has nothing newer', async () => {
    feed.version = '1.0.0';
    const { updates } = controller();
    await expect(updates.check()).resolves.toMatchObject({ state: 'not-available', availableVersion: null, releaseNotes: null });
    await expect(updates.download()).rejects.toMatchObject({ code: 'E_CONFLICT' });
  });

  it('follows SMARTCLOUDOPS_UPDATE_URL instead of app-update.yml', async () => {
    const other = await startFeed('2.0.0');
    try {
      const { updates } = controller(other.url);
      await expect(updates.check()).resolves.toMatchObject({ state: 'available', availableVersion: '2.0.0' });
      expect(other.requests).toContain(`/${FEED_FILE}`);
      expect(feed.requests).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('refuses a SMARTCLOUDOPS_UPDATE_URL it must not trust (not a URL, plain http to another machine, credentials) without taking main down', async () => {
    for (const bad of ['mirror.example.com/updates', 'http://mirror.example.com/updates/', 'ftp://mirror.example.com/', 'https://deploy:s3cret@mirror.example.com/']) {
      let made: ReturnType<typeof controller> | undefined;
      expect(() => (made = controller(bad))).not.toThrow();
      const status = await made!.updates.check();
      expect(status.state).toBe('error');
      expect(status.errorMessage).toMatch(/SMARTCLOUDOPS_UPDATE_URL/);
      expect(status.errorMessage).not.toContain('s3cret');
    }
    // The app's own feed was not asked instead: the setting is wrong, the app says so.
    expect(feed.requests).toEqual([]);
  });

  it('reports an unreachable feed as an error state', async () => {
    await feed.close();
    const { updates } = controller();
    const status = await updates.check();
    expect(status.state).toBe('error');
    expect(status.errorMessage).toMatch(/ECONNREFUSED/);
    feed = await startFeed('1.2.0');
  });
});

describe('a development build', () => {
  it('does nothing and touches no updater', async () => {
    const updater = new DebUpdater(null, appAdapter(fs.mkdtempSync(path.join(os.tmpdir(), 'sco-updates-')), 'http://127.0.0.1:9/'));
    const changes: UpdateStatus[] = [];
    const updates = new UpdateController({ updater, currentVersion: '1.0.0', enabled: false, feedUrl: null, onChange: (status) => changes.push(status) });
    await expect(updates.check()).resolves.toMatchObject({ state: 'disabled', currentVersion: '1.0.0' });
    await expect(updates.download()).rejects.toMatchObject({ code: 'E_CONFLICT' });
    expect(updater.autoDownload).toBe(true);
    expect(updater.listenerCount('update-available')).toBe(0);
    expect(changes).toEqual([]);
  });
});

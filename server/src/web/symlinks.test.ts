import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { makeWebRoot, type WebRootFixture } from './web-root.fixture.ts';

/**
 * The web root is served file by file, and a symbolic link in it was followed wherever it
 * led: a link to /etc/passwd (or to a folder such as /etc) served that file to anyone,
 * without signing in. Only files that really are inside the web root are served now; a link
 * within it (a deploy's alias of a build file) still works.
 */
describe('web console files behind symbolic links', () => {
  let server: TestServer;
  let fixture: WebRootFixture;

  beforeAll(async () => {
    fixture = makeWebRoot('<!doctype html><title>SmartCloudOps</title>', { 'index-abc123.js': 'console.log(1)' });
    const { webRoot, outside } = fixture;
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(webRoot, 'leak.txt'));
    fs.symlinkSync(outside, path.join(webRoot, 'linked'));
    fs.symlinkSync(path.join(webRoot, 'assets', 'index-abc123.js'), path.join(webRoot, 'alias.js'));
    server = await startTestServer({ config: { webRoot } });
  });
  afterAll(async () => {
    await server.close();
    fixture.remove();
  });

  it('does not serve what a link leads to outside the web root', async () => {
    for (const url of ['/leak.txt', '/linked/secret.txt']) {
      const response = await server.app.inject({ method: 'GET', url });
      expect({ url, leaked: response.body.includes('OUTSIDE SECRET') }).toEqual({ url, leaked: false });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 404 });
    }
  });

  it('serves a link that stays inside the web root, and the files themselves', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/alias.js' })).body).toBe('console.log(1)');
    expect((await server.app.inject({ method: 'GET', url: '/assets/index-abc123.js' })).body).toBe('console.log(1)');
    expect((await server.app.inject({ method: 'GET', url: '/' })).body).toContain('SmartCloudOps');
  });
});

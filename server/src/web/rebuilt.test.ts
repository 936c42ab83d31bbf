import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { makeWebRoot, type WebRootFixture } from './web-root.fixture.ts';

/**
 * The console rebuilt (or upgraded) in place while the server runs: Vite writes new hashed
 * file names and a new index.html. The server listed the web root's files once, at start, so
 * the new pages' code answered index.html (the fallback for console paths) and the browser,
 * refusing HTML as a script, showed a blank console until the server was restarted.
 */
describe('web console rebuilt while the server runs', () => {
  let server: TestServer;
  let fixture: WebRootFixture;
  let outside: string;

  beforeAll(async () => {
    fixture = makeWebRoot('<!doctype html><title>SmartCloudOps</title><script src="/assets/index-old111.js"></script>', { 'index-old111.js': 'console.log("old")' });
    const { webRoot } = fixture;
    outside = fixture.outside;
    server = await startTestServer({ config: { webRoot } });
    // The rebuild: new names, a new index.html naming them, a link added by a careless deploy.
    fs.writeFileSync(path.join(webRoot, 'assets', 'index-new222.js'), 'console.log("new")');
    fs.writeFileSync(path.join(webRoot, 'assets', 'index-new222.css'), 'body{}');
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>SmartCloudOps</title><script src="/assets/index-new222.js"></script>');
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(webRoot, 'assets', 'leak-333.js'));
  });
  afterAll(async () => {
    await server.close();
    fixture.remove();
  });

  it('serves the files the rebuild wrote, with their type and the year-long cache', async () => {
    const script = await server.app.inject({ method: 'GET', url: '/assets/index-new222.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).toBe('console.log("new")');
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['cache-control']).toContain('immutable');
    const style = await server.app.inject({ method: 'GET', url: '/assets/index-new222.css?v=1' });
    expect(style.headers['content-type']).toMatch(/text\/css/);
    expect((await server.app.inject({ method: 'GET', url: '/' })).body).toContain('index-new222.js');
  });

  it('answers 404 for a build file that is not there, rather than the console page', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/assets/index-gone999.js' });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('<title>SmartCloudOps');
  });

  it('does not serve a link added since the start that leads outside the web root', async () => {
    for (const url of ['/assets/leak-333.js', '/assets/../../' + path.basename(outside) + '/secret.txt', '/assets/%2e%2e/%2e%2e/' + path.basename(outside) + '/secret.txt']) {
      const response = await server.app.inject({ method: 'GET', url });
      expect({ url, leaked: response.body.includes('OUTSIDE SECRET') }).toEqual({ url, leaked: false });
    }
  });

  it('still answers the console page for console paths', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/incidents/7' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>SmartCloudOps');
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

describe('web console plugin', () => {
  let server: TestServer;
  let webRoot: string;

  beforeAll(async () => {
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-web-'));
    fs.mkdirSync(path.join(webRoot, 'assets'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>SmartCloudOps</title>');
    fs.writeFileSync(path.join(webRoot, 'assets', 'index-abc123.js'), 'console.log(1)');
    server = await startTestServer({ config: { webRoot } });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(webRoot, { recursive: true, force: true });
  });

  it('serves index.html at / without long caching', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('SmartCloudOps');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('caches hashed assets for a year', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('falls back to index.html for console paths', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/incidents/12' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('SmartCloudOps');
  });

  it('keeps unknown API paths a JSON 404', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'E_NOT_FOUND' } });
  });

  it('answers a JSON 404, not the page, for any other spelling of an API path', async () => {
    // A client (or a proxy's rewrite) asking for the API under a variant of its path got the
    // console's HTML with 200, which a script reads as success or fails to parse.
    for (const url of ['/api', '/api?x=1', '/API/v1/users', '/%61pi/v1/nothing-here', '//api/v1/users', '/./api/v1/users', '/api%2fv1%2fusers', '/x/../api/v1/users']) {
      const response = await server.app.inject({ method: 'GET', url });
      // 404, or 401 where the test client folded the path into a real route's.
      expect({ url, refused: response.statusCode >= 400, type: response.headers['content-type'] }).toEqual({ url, refused: true, type: 'application/json; charset=utf-8' });
    }
    // A console path that merely starts with the letters is still the console's.
    expect((await server.app.inject({ method: 'GET', url: '/apis' })).statusCode).toBe(200);
  });

  it('leaves health routes alone', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/health' });
    expect(response.json()).toMatchObject({ status: 'ok' });
  });
});

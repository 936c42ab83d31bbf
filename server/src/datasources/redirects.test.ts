import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datasource, DatasourceTestResult } from '../../../shared/api/datasources.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { listenOnLoopback } from '../testing/loopback-http.ts';

/**
 * A source behind a web server that redirects (http:// to https://, or to a path prefix).
 * The redirect is not followed (the credentials were given for the host named), and the
 * answer said "HTTP 301: <html>…301 Moved Permanently…nginx…" without saying where to.
 */
describe('a data source that redirects', () => {
  let nginx: Awaited<ReturnType<typeof listenOnLoopback>>;
  let server: TestServer;
  const seen: string[] = [];

  beforeAll(async () => {
    nginx = await listenOnLoopback(
      http.createServer((request, response) => {
        seen.push(`${request.url} ${request.headers.authorization ?? ''}`);
        // Absolute to https for the API, relative to a path prefix for buildinfo: both occur.
        const location = request.url!.startsWith('/api/v1/status/') ? `/prometheus${request.url}` : `https://prom.example${request.url}`;
        response.writeHead(301, { location, 'content-type': 'text/html' }).end('<html><head><title>301 Moved Permanently</title></head><body><center>nginx</center></body></html>');
      }),
    );
    server = await startTestServer({ datasources: { cacheMaxBytes: 0 } });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await nginx?.close();
  });

  it('names where it points, in the connection test and in the query\'s error, and sends nothing there', async () => {
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'behind-nginx', type: 'prometheus', url: nginx.url, auth: { type: 'bearer', token: 'source-token' } } });
    expect(created.statusCode, created.body).toBe(201);
    const source = created.json() as Datasource;

    const tested = (await server.injectAs('admin', { method: 'POST', url: `/api/v1/datasources/${source.id}/test` })).json() as DatasourceTestResult;
    expect(tested.ok).toBe(false);
    expect(tested.error?.kind).toBe('http');
    expect(tested.error?.message).toContain(`a redirect to ${nginx.url}/prometheus`);
    expect(tested.error?.message).toContain(`set the data source's URL to ${nginx.url}/prometheus`);

    const query = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/query?query=up` });
    expect(query.statusCode).toBe(502);
    const { error } = query.json() as { error: { code: string; message: string; details: { upstreamStatus: number } } };
    expect(error.code).toBe('E_DATASOURCE');
    expect(error.details.upstreamStatus).toBe(301);
    expect(error.message).toContain("set the data source's URL to https://prom.example");
    expect(error.message).not.toContain('<html>');
    expect(error.message).not.toContain('query=up');
    // Only the host named was asked (with its token); the redirects' targets never were.
    expect(seen.every((line) => line.endsWith('Bearer source-token'))).toBe(true);
  });
});

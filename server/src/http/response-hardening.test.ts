import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';

/** The small findings of the outside test (issue 15, item 8), one check each. */
describe('response hardening', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ listen: true });
  });
  afterAll(() => server.close());

  it('answers carrying tokens or secrets are never cached', async () => {
    const login = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: TEST_ADMIN_PASSWORD } });
    expect(login.statusCode).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const refresh = await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: login.json().refreshToken } });
    expect(refresh.headers['cache-control']).toBe('no-store');
    const key = await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'cached?' } });
    expect(key.statusCode).toBe(201);
    expect(key.headers['cache-control']).toBe('no-store');
    // Refused ones too: an error can echo what was sent.
    const refused = await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: 'scr_unknown' } });
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('answers of API routes are never cached under any spelling of their path', async () => {
    // The router decodes `%61` to `a`, so this is the login route; the path did not start with "/api/".
    for (const url of ['/%61pi/v1/auth/login', '/api/v1/auth/%6cogin']) {
      const login = await server.app.inject({ method: 'POST', url, payload: { username: 'admin', password: TEST_ADMIN_PASSWORD } });
      expect({ url, status: login.statusCode, cacheControl: login.headers['cache-control'] }).toEqual({ url, status: 200, cacheControl: 'no-store' });
    }
  });

  it('has one framing policy: CSP frame-ancestors none and X-Frame-Options DENY', async () => {
    // The API docs set a CSP of their own (Swagger UI's), which said frame-ancestors 'self'.
    for (const url of ['/health', '/docs', '/docs/json', '/docs/static/swagger-initializer.js']) {
      const response = await server.app.inject({ method: 'GET', url });
      const framing = response.headers['content-security-policy']?.toString().match(/frame-ancestors [^;]*/)?.[0];
      expect({ url, framing, xFrameOptions: response.headers['x-frame-options'] }).toEqual({ url, framing: "frame-ancestors 'none'", xFrameOptions: 'DENY' });
    }
  });

  it('a bad Content-Length gets a 400 in our error shape', async () => {
    const { port } = new URL(server.url);
    for (const length of ['abc', '-1', '1e3', '5, 6']) {
      const raw = await new Promise<string>((resolve) => {
        let data = '';
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write(`POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{}`);
        });
        socket.on('data', (chunk) => (data += chunk));
        socket.on('close', () => resolve(data));
      });
      expect(raw, length).toMatch(/^HTTP\/1\.1 400 /);
      const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('E_BAD_REQUEST');
      expect(body.error.message).toContain('Content-Length');
    }
  });

  it('a request whose body trickles in is cut off after the request timeout (it held its connection for ever)', async () => {
    // Node's own limit, which Fastify turns off.
    expect(server.app.server.requestTimeout).toBe(300_000);
    const quick = await startTestServer({ listen: true, requestTimeoutMs: 1000 });
    try {
      const { port } = new URL(quick.url);
      const started = Date.now();
      const raw = await new Promise<string>((resolve) => {
        let data = '';
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
        });
        // A byte every 200 ms: never idle, never done.
        const drip = setInterval(() => socket.write(' '), 200);
        socket.on('data', (chunk) => (data += chunk));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(drip);
          resolve(data);
        });
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(raw).toMatch(/^HTTP\/1\.1 400 /);
      const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };
      expect(body.error).toMatchObject({ code: 'E_BAD_REQUEST' });
      expect(body.error.message).toContain('not received in time');
    } finally {
      await quick.close();
    }
  }, 30_000);

  it('numbers and booleans in string fields of a body are refused, not coerced', async () => {
    for (const username of [1.5, 0, true]) {
      const response = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_ADMIN_PASSWORD } });
      expect(response.statusCode, String(username)).toBe(400);
      expect(response.json().error.code).toBe('E_VALIDATION');
      expect(JSON.stringify(response.json().error.details)).toContain('/username');
    }
  });
});

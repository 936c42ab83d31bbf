import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { isErrorCode } from '../../../shared/errors.ts';

/** Every failure, whoever raises it (schema, parser, router, our code), has one shape. */
describe('error responses', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { bodyLimitBytes: 1024 } });
  });
  afterAll(() => server.close());

  const loginWith = (payload: string, contentType = 'application/json') =>
    server.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': contentType }, payload });

  function expectShape(response: { statusCode: number; json(): unknown }, status: number, code: string) {
    expect(response.statusCode).toBe(status);
    const body = response.json() as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe(code);
    expect(isErrorCode(body.error.code)).toBe(true);
    expect(typeof body.error.message).toBe('string');
  }

  it('malformed JSON -> 400 E_BAD_REQUEST', async () => {
    expectShape(await loginWith('{"username": "admin", '), 400, 'E_BAD_REQUEST');
  });

  it('wrong types -> 400 E_VALIDATION with the offending path', async () => {
    const response = await loginWith(JSON.stringify({ username: { nested: true }, password: ['x'] }));
    expectShape(response, 400, 'E_VALIDATION');
    expect(JSON.stringify(response.json().error.details)).toContain('/username');
  });

  it('missing and extra properties -> 400 E_VALIDATION', async () => {
    expectShape(await loginWith(JSON.stringify({ username: 'admin' })), 400, 'E_VALIDATION');
    expectShape(await loginWith(JSON.stringify({ username: 'admin', password: 'x', isAdmin: true })), 400, 'E_VALIDATION');
  });

  it('an empty JSON body -> 400', async () => {
    expectShape(await loginWith(''), 400, 'E_BAD_REQUEST');
  });

  it('an oversized body -> 413 E_PAYLOAD_TOO_LARGE', async () => {
    expectShape(await loginWith(JSON.stringify({ username: 'admin', password: 'x'.repeat(2048) })), 413, 'E_PAYLOAD_TOO_LARGE');
  });

  it('an unsupported content type -> 415 E_UNSUPPORTED_MEDIA_TYPE', async () => {
    expectShape(await loginWith('<login/>', 'application/xml'), 415, 'E_UNSUPPORTED_MEDIA_TYPE');
  });

  it('an unknown route -> 404 E_NOT_FOUND, authenticated or not', async () => {
    expectShape(await server.app.inject({ method: 'GET', url: '/api/v1/no-such-thing' }), 404, 'E_NOT_FOUND');
    expectShape(await server.injectAs('admin', { method: 'DELETE', url: '/api/v1/auth/me' }), 404, 'E_NOT_FOUND');
  });

  it('a bad path parameter -> 400, a missing record -> 404', async () => {
    expectShape(await server.injectAs('admin', { method: 'GET', url: '/api/v1/users/abc' }), 400, 'E_VALIDATION');
    expectShape(await server.injectAs('admin', { method: 'GET', url: '/api/v1/users/999' }), 404, 'E_NOT_FOUND');
  });

  it('sends security headers', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/health' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});

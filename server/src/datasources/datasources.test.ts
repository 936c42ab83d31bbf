import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datasource, DatasourceTestResult } from '../../../shared/api/datasources.ts';
import { createLogger } from '../observability/logger.ts';
import { REFUSED_URL } from '../testing/prometheus.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/** A loopback HTTP(S) server answering with the handler, on a free port. */
async function serve(handler: http.RequestListener, tls?: { key: string; cert: string }): Promise<{ url: string; close(): Promise<void> }> {
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function selfSigned(): { key: string; cert: string } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(folder, 'key.pem'), '-out', path.join(folder, 'cert.pem'), '-days', '1', '-subj', '/CN=sco-test', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: fs.readFileSync(path.join(folder, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(folder, 'cert.pem'), 'utf8') };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

const buildinfo = JSON.stringify({ status: 'success', data: { version: '9.9.9-test', revision: 'x' } });

describe('data sources: definitions, secrets and the test endpoint', () => {
  let server: TestServer;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await server.close();
  });

  async function create(body: Record<string, unknown>): Promise<Datasource> {
    const response = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { type: 'prometheus', ...body } });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as Datasource;
  }

  async function test(id: number): Promise<DatasourceTestResult> {
    const response = await server.injectAs('admin', { method: 'POST', url: `/api/v1/datasources/${id}/test` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as DatasourceTestResult;
  }

  it('keeps secrets write-only, encrypted at rest and out of the audit log', async () => {
    const password = 'hunter2-very-secret';
    const created = await create({ name: 'secured', url: 'http://127.0.0.1:9/api/v1/', auth: { type: 'basic', username: 'grafana', password } });
    expect(created.url).toBe('http://127.0.0.1:9');
    expect(created.auth).toEqual({ type: 'basic', username: 'grafana', hasPassword: true });
    expect(JSON.stringify(created)).not.toContain(password);

    const fetched = await server.injectAs('admin', { method: 'GET', url: `/api/v1/datasources/${created.id}` });
    expect(fetched.body).not.toContain(password);
    const listed = await server.injectAs('admin', { method: 'GET', url: '/api/v1/datasources' });
    expect(listed.body).not.toContain(password);

    const row = await server.app.ctx.sql.db.selectFrom('datasources').select('secret').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(Buffer.from(row.secret as Uint8Array).toString('latin1')).not.toContain(password);
    // The key: a file of the data folder only its owner reads (SQLite), or the database's one key row shared by the replicas (PostgreSQL).
    const keyFile = path.join(server.dataDir, 'datasource-secrets.key');
    if (server.app.ctx.sql.dialect === 'postgres') expect(await server.app.ctx.sql.db.selectFrom('datasource_secret_key').selectAll().execute()).toHaveLength(1);
    else expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect((await server.app.datasources.service.get(created.id)).credentials).toEqual({ type: 'basic', username: 'grafana', password });

    // A PATCH without the password keeps it; one with a new username and no password keeps it too.
    const patched = await server.injectAs('admin', { method: 'PATCH', url: `/api/v1/datasources/${created.id}`, payload: { auth: { type: 'basic', username: 'other' }, timeoutSeconds: 5 } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await server.app.datasources.service.get(created.id)).credentials).toEqual({ type: 'basic', username: 'other', password });

    await server.app.ctx.audit.flush();
    const audit = (await server.app.ctx.sql.db.selectFrom('audit_log').select('details').where('action', 'like', 'datasource.%').orderBy('id').execute()) as { details: string }[];
    expect(audit.length).toBeGreaterThanOrEqual(2);
    for (const { details } of audit) expect(details).not.toContain(password);
    expect(audit[0]!.details).toContain('[Redacted]');
  });

  it("does not carry a stored secret to another origin: repointing needs the secret again, or its removal", async () => {
    // Two loopback servers that record the Authorization header they get: the source's own, and a host of whoever may manage sources.
    const seen = { own: [] as string[], other: [] as string[] };
    const recorder = (into: string[]): http.RequestListener => (req, res) => {
      into.push(req.headers.authorization ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(buildinfo);
    };
    const own = await serve(recorder(seen.own));
    const other = await serve(recorder(seen.other));
    closers.push(own.close, other.close);
    const token = 'stored-bearer-token-never-leaves';
    const source = await create({ name: 'repointed', url: own.url, auth: { type: 'bearer', token } });
    const patch = (payload: object) => server.injectAs('admin', { method: 'PATCH', url: `/api/v1/datasources/${source.id}`, payload });

    // Another host, another port, another scheme: each is another origin, refused while the secret would go along.
    const port = new URL(own.url).port;
    for (const payload of [{ url: other.url }, { url: other.url, auth: { type: 'bearer' } }, { url: `http://localhost:${port}` }, { url: `https://127.0.0.1:${port}` }]) {
      const refused = await patch(payload);
      expect(refused.statusCode, JSON.stringify(payload)).toBe(400);
      expect(refused.json()).toMatchObject({ error: { code: 'E_VALIDATION', message: expect.stringMatching(/token.*again|auth: null/i) } });
    }
    const basic = await create({ name: 'repointed-basic', url: own.url, auth: { type: 'basic', username: 'prom', password: 'pw' } });
    const refusedBasic = await server.injectAs('admin', { method: 'PATCH', url: `/api/v1/datasources/${basic.id}`, payload: { url: other.url, auth: { type: 'basic', username: 'prom' } } });
    expect(refusedBasic.statusCode).toBe(400);
    expect(refusedBasic.json().error.message).toMatch(/password/);
    expect((await server.app.datasources.service.get(source.id)).url).toBe(own.url);
    expect(await test(source.id)).toMatchObject({ ok: true });
    expect(seen.other).toEqual([]);

    // The same origin keeps today's contract: a path change keeps the stored token.
    expect((await patch({ url: `${own.url}/prometheus` })).statusCode).toBe(200);
    expect((await server.app.datasources.service.get(source.id)).credentials).toEqual({ type: 'bearer', token });
    expect((await patch({ url: own.url })).statusCode).toBe(200);

    // Repointing with the secret removed, or a new one given, is the admin's explicit choice.
    const cleared = await patch({ url: other.url, auth: null });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect((cleared.json() as Datasource).auth).toBeNull();
    await test(source.id);
    expect((await patch({ url: own.url, auth: { type: 'bearer', token: 'a-new-token' } })).statusCode).toBe(200);
    expect((await patch({ url: other.url, auth: { type: 'bearer', token: 'given-again' } })).statusCode).toBe(200);
    await test(source.id);
    expect(seen.other.join(' ')).not.toContain(token);
    expect(seen.other).toContain('Bearer given-again');
  });

  it('redacts credentials in log lines', () => {
    let out = '';
    const log = createLogger('info', new Writable({ write: (chunk: Buffer, _enc, done) => ((out += chunk.toString()), done()) }));
    log.info({ body: { auth: { type: 'bearer', token: 'tok-123' } }, datasource: { credentials: { password: 'pw-456' } }, upstream: { headers: { authorization: 'Basic Zm9v' } } }, 'datasource change');
    expect(out).toContain('datasource change');
    for (const secret of ['tok-123', 'pw-456', 'Basic Zm9v']) expect(out).not.toContain(secret);
  });

  it('lets only admins manage sources, and readers list names for the picker', async () => {
    expect((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/datasources' })).statusCode).toBe(403);
    expect((await server.injectAs('operator', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'x', type: 'prometheus', url: 'http://a' } })).statusCode).toBe(403);
    const readable = await server.injectAs('viewer', { method: 'GET', url: '/api/v1/datasources/readable' });
    expect(readable.statusCode).toBe(200);
    expect(readable.body).not.toContain('url');
  });

  it('refuses bad definitions with a clear 4xx', async () => {
    const bad = [
      { name: 'a', type: 'prometheus', url: 'ftp://x' },
      { name: 'a', type: 'influx', url: 'http://x' },
      { name: 'a', type: 'prometheus', url: 'http://user:pw@x' },
      { name: 'a', type: 'prometheus', url: 'http://x', auth: { type: 'basic', username: 'u' } },
      { name: 'a', type: 'prometheus', url: 'http://x', timeoutSeconds: 0 },
    ];
    for (const payload of bad) {
      const response = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect((response.json() as { error: { code: string } }).error.code).toMatch(/^E_(VALIDATION|BAD_REQUEST)$/);
    }
    await create({ name: 'dup', url: 'http://127.0.0.1:9' });
    const dup = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'dup', type: 'prometheus', url: 'http://x' } });
    expect(dup.statusCode).toBe(409);
    expect((await server.injectAs('admin', { method: 'GET', url: '/api/v1/datasources/9999' })).statusCode).toBe(404);
  });

  it('deletes a source', async () => {
    const created = await create({ name: 'doomed', url: 'http://127.0.0.1:9' });
    expect((await server.injectAs('admin', { method: 'DELETE', url: `/api/v1/datasources/${created.id}` })).statusCode).toBe(204);
    expect((await server.injectAs('admin', { method: 'GET', url: `/api/v1/datasources/${created.id}` })).statusCode).toBe(404);
  });

  it('tells refused, DNS, TLS, 401, timeout and a non-Prometheus server apart', async () => {
    const refused = await create({ name: 'refused', url: REFUSED_URL });
    const dns = await create({ name: 'dns', url: 'http://no-such-host.invalid:9090' });
    const tlsServer = await serve((_req, res) => res.end(buildinfo), selfSigned());
    closers.push(tlsServer.close);
    const tls = await create({ name: 'tls', url: tlsServer.url });
    const authServer = await serve((req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('prom:right').toString('base64')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic' }).end('Unauthorized');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(buildinfo);
    });
    closers.push(authServer.close);
    const wrongAuth = await create({ name: 'wrong-auth', url: authServer.url, auth: { type: 'basic', username: 'prom', password: 'wrong' } });
    const rightAuth = await create({ name: 'right-auth', url: authServer.url, auth: { type: 'basic', username: 'prom', password: 'right' } });
    const slowServer = await serve(() => {
      // never answers: the source's timeout must end the wait
    });
    closers.push(slowServer.close);
    const slow = await create({ name: 'slow', url: slowServer.url, timeoutSeconds: 1 });
    const webServer = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    closers.push(webServer.close);
    const web = await create({ name: 'web', url: webServer.url });

    expect((await test(refused.id)).error?.kind).toBe('refused');
    expect((await test(refused.id)).error?.message).toMatch(/Connection refused/);
    expect((await test(dns.id)).error?.kind).toBe('dns');
    const tlsResult = await test(tls.id);
    expect(tlsResult.error?.kind, tlsResult.error?.message).toBe('tls');
    expect(tlsResult.error?.message).toMatch(/certificate/i);
    const unauthorised = await test(wrongAuth.id);
    expect(unauthorised.error?.kind).toBe('auth');
    expect(unauthorised.error?.message).toMatch(/HTTP 401/);
    expect(await test(rightAuth.id)).toMatchObject({ ok: true, version: '9.9.9-test' });
    const timedOut = await test(slow.id);
    expect(timedOut.error?.kind).toBe('timeout');
    expect(timedOut.error?.message).toMatch(/within 1 s/);
    expect((await test(web.id)).error?.kind).toBe('not_prometheus');

    // Skipping verification is the admin's explicit choice for a self-signed server.
    const patched = await server.injectAs('admin', { method: 'PATCH', url: `/api/v1/datasources/${tls.id}`, payload: { tlsSkipVerify: true } });
    expect(patched.statusCode).toBe(200);
    expect(await test(tls.id)).toMatchObject({ ok: true, version: '9.9.9-test' });
  });
});

describe('a data source URL with credentials in it', () => {
  it('is refused without its password in the answer or the log, also when the rest of it is not a URL', async () => {
    let logged = '';
    const server = await startTestServer({ config: { logLevel: 'info' }, logStream: new Writable({ write: (chunk: Buffer, _enc, done) => ((logged += chunk.toString()), done()) }) });
    try {
      for (const url of ['http://grafana:s3cret-pw@prom.example:9090', 'http://grafana:s3cret-pw@prom example:9090', 'http://grafana:s3cret-pw@prom.example:99999']) {
        for (const [method, path] of [['POST', '/api/v1/datasources'], ['PATCH', `/api/v1/datasources/${await sourceId(server)}`]] as const) {
          const response = await server.injectAs('admin', { method, url: path, payload: { name: 'leaky', type: 'prometheus', url } });
          expect(response.statusCode, `${method} ${url}`).toBe(400);
          expect(response.body, `${method} ${url}`).not.toContain('s3cret-pw');
        }
      }
      expect(logged).toContain('request rejected');
      expect(logged).not.toContain('s3cret-pw');
    } finally {
      await server.close();
    }
  });
});

/** The id of a plain source on `server`, made once. */
async function sourceId(server: TestServer): Promise<number> {
  const listed = (await server.injectAs('admin', { method: 'GET', url: '/api/v1/datasources' })).json() as { datasources: Datasource[] };
  const found = listed.datasources.find((source) => source.name === 'plain');
  if (found) return found.id;
  return ((await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'plain', type: 'prometheus', url: 'http://127.0.0.1:9' } })).json() as Datasource).id;
}

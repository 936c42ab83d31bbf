import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD_ADMIN_PASSWORD, startServerChild, type ServerChild } from '../testing/server-child.ts';
import { eventually } from '../testing/eventually.ts';

/**
 * SIGTERM while a request waits on a peer that accepted the connection and never answers
 * (a data source of 300 s timeout): the shutdown waited for it, 300 s, far past a
 * supervisor's patience (docker stop: 10 s, Kubernetes: 30 s, then SIGKILL). Past the grace
 * (SMARTCLOUDOPS_SHUTDOWN_GRACE) or at a second signal, requests still running are answered
 * 503 `shutting_down` and the server finishes closing (stores flushed, database closed).
 */
describe('shutdown with a request stuck on a hung peer', () => {
  const sockets: net.Socket[] = [];
  const hung = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  let hungUrl: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    hungUrl = `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`;
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    hung.close();
  });

  /** A server with a query in flight to the hung peer; resolves once the peer holds it. */
  async function stuckQuery(env: Record<string, string>) {
    const server = await startServerChild(env);
    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: CHILD_ADMIN_PASSWORD }) });
    const headers = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}`, 'content-type': 'application/json' };
    const created = await fetch(`${server.url}/api/v1/datasources`, { method: 'POST', headers, body: JSON.stringify({ name: `hung-${sockets.length}`, type: 'prometheus', url: hungUrl, timeoutSeconds: 300 }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const held = sockets.length;
    const answer = fetch(`${server.url}/api/v1/datasources/${id}/query?query=up`, { headers }).then(async (response) => ({ status: response.status, body: (await response.json()) as { error: { code: string; details?: { reason?: string } } } }));
    await eventually(() => sockets.length, (n) => n > held);
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    return { server, answer, exited };
  }

  const expectShuttingDown = (answer: { status: number; body: { error: { code: string; details?: { reason?: string } } } }) => {
    expect(answer.status).toBe(503);
    expect(answer.body.error).toMatchObject({ code: 'E_UNAVAILABLE', details: { reason: 'shutting_down' } });
  };

  let servers: ServerChild[] = [];
  afterAll(async () => {
    for (const server of servers) await server.kill();
    servers = [];
  });

  it('past the grace, answers the stuck request 503 and exits 0', async () => {
    const { server, answer, exited } = await stuckQuery({ SMARTCLOUDOPS_SHUTDOWN_GRACE: '1' });
    servers.push(server);
    server.child.kill('SIGTERM');
    // The peer's timeout is 300 s: an answer at all says the grace cut it.
    expectShuttingDown(await answer);
    expect(await exited).toBe(0);
  });

  it('a second signal cuts the grace short', async () => {
    const { server, answer, exited } = await stuckQuery({ SMARTCLOUDOPS_SHUTDOWN_GRACE: '3600' });
    servers.push(server);
    server.child.kill('SIGTERM');
    // The first signal has started closing once a new connection is refused.
    await eventually(() => fetch(`${server.url}/health`).then(() => false, () => true), Boolean);
    server.child.kill('SIGINT');
    expectShuttingDown(await answer);
    expect(await exited).toBe(0);
  });
});

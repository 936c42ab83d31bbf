import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.ts';
import { eventually } from '../testing/eventually.ts';

describe('graceful shutdown (SIGTERM)', () => {
  it('finishes the request in flight and refuses one that arrives meanwhile in the one error shape, with Retry-After', async () => {
    const server = await startTestServer({ listen: true });
    const { app } = server;
    const port = Number(new URL(server.url!).port);
    // The first request is held in its onSend hook (waiting on the audit log) until released.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    Object.defineProperty(app.ctx.audit, 'pending', { get: () => true, configurable: true });
    app.ctx.audit.flush = () => {
      held = true;
      return gate;
    };
    // Two requests on one keep-alive connection: the second is sent once the server is
    // closing, while the first still runs (the connection is busy, so close keeps it).
    let requests = 0;
    app.server.on('request', () => requests++);
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await eventually(() => held, Boolean);
    const closed = app.close();
    socket.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    // Both read by the server before the first is let go (the second is answered after it).
    await eventually(() => requests, (n) => n === 2);
    release();
    await closed;
    await ended;
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 200 /);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 503 /);
    expect(answers[1]).toMatch(/\r\nretry-after: 5\r\n/i);
    const body = JSON.parse(answers[1]!.slice(answers[1]!.indexOf('\r\n\r\n') + 4)) as { error: { code: string; details?: unknown } };
    expect(body.error).toMatchObject({ code: 'E_UNAVAILABLE', details: { reason: 'shutting_down' } });
  }, 120_000);
});

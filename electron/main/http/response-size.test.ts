import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedStreamEvent } from '../sync/stream-source.ts';
import { sessionEventStream } from '../stream/session-event-stream.ts';
import { createServerAxios } from './create-axios.ts';
import { toAppError } from './map-error.ts';

/** A server whose answers never end (or are huge), and whose stream sends many small events. */
describe('answers larger than main accepts', () => {
  const server = http.createServer((request, response) => {
    if (request.url === '/endless') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('[');
      const flood = setInterval(() => response.write('1,'.repeat(4_096)), 1);
      response.on('close', () => clearInterval(flood));
      return;
    }
    if (request.url?.startsWith('/api/v1/stream')) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 1; i <= 200; i++) response.write(`id: ${i}\ndata: {"n":${i},"pad":"${'x'.repeat(100)}"}\n\n`);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses an answer past the limit as E_PAYLOAD_TOO_LARGE instead of reading it all', async () => {
    const client = createServerAxios(url, {}, { maxResponseBytes: 1024 * 1024 });
    await expect(client.get('/small')).resolves.toMatchObject({ data: { ok: true } });
    const error = await client.get('/endless').catch((raw: unknown) => toAppError(raw));
    expect(error).toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE' });
  });

  it('does not count the live stream against it: events go on past the limit', async () => {
    const stream = sessionEventStream({ http: createServerAxios(url, {}, { maxResponseBytes: 4 * 1024 }), bearer: async () => 'token' });
    const events: ReceivedStreamEvent[] = [];
    let wake: () => void = () => {};
    const connection = stream.connect(null, {
      onOpen: () => {},
      onEvent: (event) => {
        events.push(event);
        wake();
      },
      onError: () => wake(),
    });
    // 200 events of ~130 bytes: ~26 KiB on one connection, six times the limit.
    while (events.length < 200) await new Promise<void>((resolve) => (wake = resolve));
    connection.close();
    expect(events.at(-1)?.id).toBe('200');
  });
});

import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../events/bus.ts';
import { StreamEventLog } from './event-log.ts';
import { StreamHub } from './hub.ts';
import { openTempDb } from '../metrics/test-db.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A plain HTTP server whose every request becomes a stream of `hub`. */
async function serve(hub: StreamHub): Promise<string> {
  const server = http.createServer((_request, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    hub.attach(res, null, null);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** A hub on a fresh event log (heartbeats a minute apart), served, with the bus that feeds it. */
async function servedHub(): Promise<{ events: EventBus; hub: StreamHub; url: URL }> {
  const temp = openTempDb();
  cleanups.push(temp.cleanup);
  const events = new EventBus();
  const hub = new StreamHub(new StreamEventLog(temp.db), events, 60_000);
  cleanups.push(() => hub.close());
  return { events, hub, url: new URL(await serve(hub)) };
}

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, pattern: RegExp): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

describe('stream hub', () => {
  it('sends heartbeat comments to idle clients and ends streams on close', async () => {
    const temp = openTempDb();
    cleanups.push(temp.cleanup);
    const hub = new StreamHub(new StreamEventLog(temp.db), new EventBus(), 20);
    const url = await serve(hub);
    const response = await fetch(url);
    const reader = response.body!.getReader();
    expect(await readUntil(reader, /: heartbeat\n\n/)).toMatch(/^retry: 2000\n\n(: heartbeat\n\n)+$/);
    hub.close();
    // The stream ends: reading drains whatever heartbeats were still in flight, then stops.
    while (!(await reader.read()).done);
    expect(hub.clientCount).toBe(0);
  });
});

describe('stream hub backpressure', () => {
  it('drops a client that stops reading instead of buffering for it without bound', async () => {
    const { events, hub, url } = await servedHub();
    const socket = net.connect(Number(url.port), '127.0.0.1');
    cleanups.push(() => void socket.destroy());
    socket.write(`GET / HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    socket.pause();
    while (hub.clientCount === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const big = { text: 'x'.repeat(1_048_576) };
    while (hub.clientCount > 0) {
      events.publish({ type: 'anomaly_score', data: big });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(hub.clientCount).toBe(0);
  });
});

describe('stream hub resumption', () => {
  it('sends an event once when the replay already held it and live delivery brings it later (a shared log read ahead of this replica)', async () => {
    // The shared log's shape: a replay reads committed rows at once, while this replica's
    // live delivery reaches the same rows only at its next catch-up.
    let deliver: ((event: { id: number; type: 'alert'; data: string }) => void) | undefined;
    const rows = [5, 6, 7].map((id) => ({ id, type: 'alert' as const, data: `{"n":${id}}` }));
    const source = {
      start: (_events: EventBus, to: typeof deliver) => {
        deliver = to;
        return () => undefined;
      },
      after: async (lastId: number) => ({ kind: 'events' as const, events: rows.filter((row) => row.id > lastId && row.id <= 6) }),
    };
    const hub = new StreamHub(source, new EventBus(), 60_000);
    cleanups.push(() => hub.close());
    const server = http.createServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      hub.attach(res, 4, null);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const reader = response.body!.getReader();
    cleanups.push(() => reader.cancel());
    expect(await readUntil(reader, /id: 6\n/)).toMatch(/id: 5\n[^]*id: 6\n/);
    for (const row of rows) deliver!(row);
    const text = await readUntil(reader, /id: 7\n/);
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([7]);
  });
});

describe('stream hub: a replay too big to hold for one client', () => {
  it('sends a reset at the replay\'s newest id instead of buffering megabytes the client may never read', async () => {
    // Ten missed events of 1 MiB each: more than a client's bound of unsent bytes (8 MiB).
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: i + 5, type: 'alert' as const, data: JSON.stringify({ text: 'x'.repeat(1_048_576) }) }));
    const source = {
      start: () => () => undefined,
      after: async (lastId: number) => ({ kind: 'events' as const, events: rows.filter((row) => row.id > lastId) }),
    };
    const hub = new StreamHub(source, new EventBus(), 60_000);
    cleanups.push(() => hub.close());
    const server = http.createServer((request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      hub.attach(res, Number(request.headers['last-event-id']), null);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    const far = (await fetch(url, { headers: { 'last-event-id': '4' } })).body!.getReader();
    cleanups.push(() => far.cancel());
    const text = await readUntil(far, /event: reset\n[^]*\n\n|id: 5\n/);
    expect(text).toMatch(/^retry: 2000\n\nid: 14\nevent: reset\ndata: \{"lastEventId":14,/);

    // A client that missed less is replayed the events, as before.
    const near = (await fetch(url, { headers: { 'last-event-id': '11' } })).body!.getReader();
    cleanups.push(() => near.cancel());
    expect([...(await readUntil(near, /id: 14\n/)).matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([12, 13, 14]);
  });
});

describe('stream hub: clients that stop reading all at once (a network cut)', () => {
  it('hold one copy of each event between them, not one per client', async () => {
    const { events, hub, url } = await servedHub();
    const clients = 48;
    for (let i = 0; i < clients; i++) {
      const socket = net.connect(Number(url.port), '127.0.0.1');
      cleanups.push(() => void socket.destroy());
      socket.write(`GET / HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
      socket.pause();
    }
    while (hub.clientCount < clients) await new Promise((resolve) => setTimeout(resolve, 10));
    const before = process.memoryUsage().arrayBuffers;
    // 7 MiB: below the 8 MiB a client may have unsent, above what the kernel's socket buffers take.
    const big = { text: 'x'.repeat(64 * 1024) };
    const published = 112 * 64 * 1024;
    for (let i = 0; i < 112; i++) {
      events.publish({ type: 'anomaly_score', data: big });
      if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(hub.clientCount).toBe(clients);
    // Before: each stalled socket held its own encoded copy of what it could not send (~2.5 MiB each here).
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 * published);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportChunksResponse, ExportResponse } from '../../../shared/api/metrics.ts';
import { decodeChunk } from '../../../shared/metrics/chunk-codec.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const T0 = Date.UTC(2026, 0, 1);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ now: () => T0 + 86_400_000 });
});
afterAll(async () => server.close());

const get = (url: string) => server.injectAs('viewer', { method: 'GET', url });
const ingest = (series: { host: string; n: number; from?: number }[]) =>
  server.injectAs('admin', {
    method: 'POST',
    url: '/api/v1/metrics/ingest',
    payload: {
      series: series.map(({ host, n, from = 0 }) => ({
        name: 'node_load1',
        labels: { host },
        samples: Array.from({ length: n }, (_, i) => [T0 + (from + i) * 10_000, Math.round(Math.sin(from + i) * 1000) / 1000]),
      })),
    },
  });

/** Every page of a route from the beginning, as (series name, ts, value) in page order, with each page's cursor. */
async function pages(route: string, decode: (body: unknown) => [number, number, number][]): Promise<{ samples: string[]; cursors: string[] }> {
  const samples: string[] = [];
  const cursors: string[] = [];
  const hosts = new Map<number, string>();
  let after: string | undefined;
  for (;;) {
    const response = await get(`/api/v1/metrics/${route}?limit=500${after ? `&after=${after}` : ''}`);
    expect(response.statusCode).toBe(200);
    const body = response.json() as ExportResponse;
    for (const s of body.series) hosts.set(s.id, s.labels.host!);
    for (const [id, ts, value] of decode(body)) samples.push(`${hosts.get(id)}@${ts}=${value}`);
    cursors.push(body.cursor);
    if (!body.more) return { samples, cursors };
    after = body.cursor;
  }
}

const columns = (body: unknown) => {
  const page = body as ExportResponse;
  return page.seriesIds.map((id, i): [number, number, number] => [id, page.timestamps[i]!, page.values[i]!]);
};
const chunks = (body: unknown) => {
  const page = body as ExportChunksResponse;
  const out: [number, number, number][] = [];
  page.chunks.forEach((text, c) => {
    const { timestamps, columns: [values] } = decodeChunk(Buffer.from(text, 'base64'));
    timestamps.forEach((ts, i) => out.push([page.chunkSeriesIds[c]!, ts, values![i]!]));
  });
  return [...out, ...page.seriesIds.map((id, i): [number, number, number] => [id, page.timestamps[i]!, page.values[i]!])];
};

describe('GET /metrics/export/chunks', () => {
  it('hands out the same samples, pages and cursors as /metrics/export, with chunks whole', async () => {
    // Full chunks and head samples on several series, then a late sample that rewrites a chunk.
    expect((await ingest([{ host: 'a', n: 700 }, { host: 'b', n: 250 }, { host: 'c', n: 30 }])).statusCode).toBe(200);
    expect((await ingest([{ host: 'a', n: 5, from: 700 }, { host: 'b', n: 1, from: 10_000 }])).statusCode).toBe(200);
    expect((await ingest([{ host: 'a', n: 1, from: 3 }])).statusCode).toBe(200);

    const viaColumns = await pages('export', columns);
    const viaChunks = await pages('export/chunks', chunks);
    expect(viaChunks.cursors).toEqual(viaColumns.cursors);
    expect(viaChunks.samples.sort()).toEqual(viaColumns.samples.sort());
    expect(new Set(viaChunks.samples).size).toBe(700 + 5 + 250 + 1 + 30);

    const first = (await get('/api/v1/metrics/export/chunks?limit=500')).json() as ExportChunksResponse;
    expect(first.chunks.length).toBeGreaterThan(0);
    expect(first.chunkSeriesIds).toHaveLength(first.chunks.length);
  });

  it('refuses a cursor ahead of the data (409) and a malformed one (400), as /metrics/export does', async () => {
    const last = (await get('/api/v1/metrics/export?limit=200000')).json() as ExportResponse;
    const ahead = await get(`/api/v1/metrics/export/chunks?after=${Number(last.cursor) + 1}`);
    expect(ahead.statusCode).toBe(409);
    expect(ahead.json().error.code).toBe('E_CONFLICT');
    expect((await get('/api/v1/metrics/export/chunks?after=abc')).statusCode).toBe(400);
    expect((await server.injectAs(null, { method: 'GET', url: '/api/v1/metrics/export/chunks' })).statusCode).toBe(401);
  });
});

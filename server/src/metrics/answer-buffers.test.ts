import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { AnswerBuffers } from './answer-buffers.ts';
import { writeRangeAnswer } from './range-json.ts';
import type { RangeRequest } from './range-query.ts';

const T0 = Date.UTC(2026, 0, 1);

describe('AnswerBuffers', () => {
  it('lends the smallest kept buffer large enough, keeps whole buffers only, within its bound', () => {
    const buffers = new AnswerBuffers(1000);
    expect(buffers.take(10)).toBeUndefined();
    const a = Buffer.allocUnsafeSlow(100);
    const b = Buffer.allocUnsafeSlow(500);
    buffers.give(b);
    buffers.give(a);
    expect(buffers.take(200)).toBe(b);
    expect(buffers.take(200)).toBeUndefined();
    buffers.give(b);
    expect(buffers.take(50)).toBe(a);
    expect(buffers.take(50)).toBe(b);
    // A view into a buffer or one too large is not kept; past the bound, the oldest go.
    buffers.give(b.subarray(0, 10));
    buffers.give(Buffer.allocUnsafeSlow(2000));
    expect(buffers.bytes).toBe(0);
    buffers.give(a);
    buffers.give(b);
    const c = Buffer.allocUnsafeSlow(300);
    buffers.give(c);
    expect(buffers.bytes).toBe(900);
    buffers.give(Buffer.allocUnsafeSlow(200));
    expect(buffers.bytes).toBe(1000);
    expect(buffers.take(100)).not.toBe(a);
    expect(buffers.clear()).toBe(800);
    expect(buffers.take(1)).toBeUndefined();
  });
});

describe('range answers written into reused buffers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ now: () => T0 + 86_400_000, listen: true });
    const day = (seed: number): [number, number][] => Array.from({ length: 8640 }, (_, i) => [T0 + i * 10_000, Math.round(Math.sin(i / 100 + seed) * 1e4) / 300]);
    await server.app.metrics.ingest([0, 1, 2].map((h) => ({ name: 'reuse', labels: { host: `h${h}` }, samples: day(h) })));
  });
  afterAll(async () => server.close());

  it('answers concurrent queries over sockets, each as the column API computes it, while buffers go round', async () => {
    const metrics = server.app.metrics;
    const auth = { authorization: `Bearer ${await server.tokenFor('viewer')}` };
    // Answers of about the same size (any kept buffer fits any of them), each different.
    const requests: RangeRequest[] = Array.from({ length: 60 }, (_, i) => ({
      from: T0 + i * 997,
      to: T0 + 86_400_000 - i * 7_919,
      ...(i % 7 === 0 ? {} : { step: 30_000 + (i % 5) }),
      agg: (['avg', 'max', 'last', 'count'] as const)[i % 4]!,
      maxPoints: 2000 + i,
    }));
    const match = (i: number) => (i % 2 === 0 ? 'reuse{host="h0"}' : 'reuse');
    const url = (request: RangeRequest, i: number) =>
      `${server.url}/api/v1/metrics/query_range?${new URLSearchParams({ match: match(i), from: String(request.from), to: String(request.to), agg: request.agg, maxPoints: String(request.maxPoints), ...(request.step ? { step: String(request.step) } : {}) })}`;
    const inlineBefore = metrics.ranges.stats().inline;
    // Sixty in flight at once, half compressed: every body must be its own answer while the
    // buffers go from answer to answer (a buffer goes back on the response's `finish`).
    for (let round = 0; round < 3; round++) {
      const bodies = await Promise.all(
        requests.map(async (request, i) => {
          const response = await fetch(url(request, i), { headers: { ...auth, ...(i % 2 === 0 ? { 'accept-encoding': 'gzip' } : { 'accept-encoding': 'identity' }) } });
          expect(response.status).toBe(200);
          return Buffer.from(await response.arrayBuffer());
        }),
      );
      for (const [i, request] of requests.entries()) {
        const expected = writeRangeAnswer(await metrics.queryRangeYielding(await metrics.findSeries(match(i)), request));
        expect(bodies[i]!.equals(expected), `round ${round}, request ${i}`).toBe(true);
      }
    }
    const stats = metrics.ranges.stats();
    // One series inline, three (25,920 samples) on the worker, written into a kept buffer moved there and back.
    expect(stats.inline - inlineBefore).toBeGreaterThanOrEqual(60);
    expect(stats.lentToWorkers).toBeGreaterThan(0);
    expect(stats.keptAnswerBytes).toBeGreaterThan(0);
    expect(metrics.releaseIdleMemory()).toBeGreaterThanOrEqual(stats.keptAnswerBytes);
    expect(metrics.ranges.stats().keptAnswerBytes).toBe(0);
  });
});

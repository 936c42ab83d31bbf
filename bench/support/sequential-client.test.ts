import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percentile, runSequential, summarise } from './sequential-client.ts';

describe('percentile and summarise', () => {
  it('takes the nearest rank and sorts numerically', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile(values, 1)).toBe(100);
    expect(percentile([], 0.99)).toBe(0);
    // 10 sorts after 9 (a string sort would put it first).
    expect(summarise([10, 9, 2, 1], 1, 2, 2)).toEqual({ requests: 4, requestsPerSecond: 2, latencyP50Ms: 2, latencyP99Ms: 10, latencyP999Ms: 10, latencyMaxMs: 10, non2xx: 1, errors: 2 });
  });
});

describe('the sequential client against a real server', () => {
  let server: http.Server;
  let base = '';
  let served = 0;
  const seenAuth: Array<string | undefined> = [];
  beforeAll(async () => {
    const body = Buffer.alloc(48 * 1024, 'x');
    server = http.createServer((req, res) => {
      served++;
      seenAuth.push(req.headers.authorization);
      if (req.url === '/busy') return void res.writeHead(503).end('busy');
      if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(body.subarray(0, 1000));
        return void setImmediate(() => res.end(body.subarray(1000)));
      }
      // Every tenth request of /slow waits 30 ms: the p99 must show it, the median must not.
      if (req.url === '/slow' && served % 10 === 0) return void setTimeout(() => res.writeHead(200, { 'content-length': body.length }).end(body), 30);
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends one request at a time with the given headers and reads whole answers, sized or chunked', async () => {
    for (const path of ['/sized', '/chunked']) {
      const before = served;
      const result = await runSequential({ url: `${base}${path}`, headers: { authorization: 'Bearer t' }, durationSeconds: 0.5, warmupRequests: 5 });
      expect(result.requests).toBeGreaterThan(0);
      expect(result.requests + 5).toBe(served - before);
      expect(result.non2xx + result.errors).toBe(0);
      expect(result.latencyP50Ms).toBeGreaterThan(0);
      expect(result.latencyP50Ms).toBeLessThanOrEqual(result.latencyP99Ms);
      expect(result.latencyP99Ms).toBeLessThanOrEqual(result.latencyMaxMs);
    }
    expect(seenAuth.every((value) => value === 'Bearer t')).toBe(true);
  });

  it('counts answers that are not 2xx and connections refused', async () => {
    const busy = await runSequential({ url: `${base}/busy`, durationSeconds: 0.3, warmupRequests: 0 });
    expect(busy.non2xx).toBe(busy.requests);
    const refused = await runSequential({ url: 'http://127.0.0.1:1/', durationSeconds: 0.2, warmupRequests: 0 });
    expect(refused.errors).toBe(refused.requests);
  });

  it('records each request once: one slow request in ten moves the p99, not the median', async () => {
    const result = await runSequential({ url: `${base}/slow`, durationSeconds: 1, warmupRequests: 0 });
    expect(result.requests).toBeGreaterThanOrEqual(10);
    expect(result.latencyP99Ms).toBeGreaterThanOrEqual(29);
    expect(result.latencyP50Ms).toBeLessThan(29);
  });
});

import http from 'node:http';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWrkReport, runLoad, WRK_BIN } from './load.ts';

const REPORT = `Running 3s test @ http://127.0.0.1:4000/x
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.02ms  31.40ms   91.12%
    Req/Sec     3.42k   210.11     3.80k    70.00%
  Latency Distribution
     50%  850.00us
     75%    2.34ms
     90%    2.87ms
     99%    1.20s
  10234 requests in 3.00s, 467.12MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 5
Requests/sec:   3411.03
Transfer/sec:    155.63MB
`;

describe('parseWrkReport', () => {
  it('reads the request count, percentiles in every unit, errors and non-2xx answers', () => {
    expect(parseWrkReport(REPORT, 3)).toEqual({ requests: 10234, requestsPerSecond: 3411.3, latencyP50Ms: 0.85, latencyP99Ms: 1200, non2xx: 5, errors: 3 });
  });

  it('refuses a report it does not understand rather than printing zeros', () => {
    expect(() => parseWrkReport('unable to connect to 127.0.0.1:1 Connection refused', 3)).toThrow(/no request count/);
  });
});

const wrkMissing = !fs.existsSync(WRK_BIN);

describe.skipIf(wrkMissing)(`runLoad with wrk${wrkMissing ? ' (skipped: /usr/bin/wrk not installed; apt-get install wrk)' : ''}`, () => {
  let server: http.Server;
  let url = '';
  let seen = 0;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      seen++;
      response.writeHead(request.headers['x-want'] === 'ok' ? 200 : 403).end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the headers and counts what the server answered', async () => {
    const ok = await runLoad('wrk', { url, headers: { 'x-want': 'ok' }, connections: 2, durationSeconds: 1 });
    expect(ok.requests).toBeGreaterThan(0);
    expect(ok.non2xx).toBe(0);
    const refused = await runLoad('wrk', { url, connections: 1, durationSeconds: 1 });
    expect(refused.non2xx).toBe(refused.requests);
    expect(seen).toBeGreaterThanOrEqual(ok.requests + refused.requests);
  });
});

import http from 'node:http';
import { listenOnLoopback } from './loopback-http.ts';

/**
 * A Prometheus played by a small HTTP server, for what the real one cannot be made to do on
 * cue (go down, answer any number of series). Instant queries answer the query's series,
 * range queries one sample per step of what was asked for each, or 503 while `down`.
 * `state.lies`: points the next range answer adds to each series (outside what was asked, not numbers…).
 * `seriesOf(query)`: how many series a query returns (one by default), `instance` 0..n-1;
 * `instantValueOf(query)`: what an instant query's series read ("1" by default);
 * `rangeValueOf(query, t, end)`: a range query's value at `t` (a slow sine by default).
 */
export async function startFakePrometheus(seriesOf: (query: string) => number = () => 1, instantValueOf: (query: string) => string = () => '1', rangeValueOf: (query: string, t: number, end: number) => number = (_query, t) => 10 + Math.sin(t / 7)) {
  // `lies`: points added to every series of the next range answer, whatever was asked (a broken or hostile source).
  const state = { down: false, ranges: [] as Array<{ start: number; end: number }>, lies: [] as unknown[] };
  const labelsOf = (query: string) => Array.from({ length: seriesOf(query) }, (_, i) => ({ __name__: 'fake_load', instance: i === 0 ? 'a' : `a${i}` }));
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const query = url.searchParams.get('query') ?? '';
    const send = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/api/v1/query') {
      send(200, { status: 'success', data: { resultType: 'vector', result: labelsOf(query).map((metric) => ({ metric, value: [Date.now() / 1000, instantValueOf(query)] })) } });
      return;
    }
    if (url.pathname !== '/api/v1/query_range') {
      send(404, { status: 'error', errorType: 'not_found', error: 'no such endpoint' });
      return;
    }
    if (state.down) {
      send(503, { status: 'error', errorType: 'unavailable', error: 'the fake Prometheus is down' });
      return;
    }
    const start = Number(url.searchParams.get('start'));
    const end = Number(url.searchParams.get('end'));
    const step = Number(url.searchParams.get('step'));
    state.ranges.push({ start, end });
    const values: Array<[number, string]> = [];
    for (let t = start; t <= end; t += step) values.push([t, String(rangeValueOf(query, t, end))]);
    values.push(...(state.lies.splice(0) as Array<[number, string]>));
    send(200, { status: 'success', data: { resultType: 'matrix', result: labelsOf(query).map((metric) => ({ metric, values })) } });
  });
  return { state, ...(await listenOnLoopback(server)) };
}

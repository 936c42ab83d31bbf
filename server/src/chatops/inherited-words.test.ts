import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * The chat parser looks words up in tables (severities, states, statuses, runbook verbs,
 * numbers, periods...). A word every JavaScript object has as a property (`constructor`,
 * `toString`, `__proto__`...) is not in any of them: "constructor" answered "List function
 * Object() { [native code] }", "silences on __proto__" and "list runbooks about
 * constructor" answered 500, from the console and from Slack alike.
 */
describe('chat words named like Object.prototype properties', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('are plain unknown words: no 500, no function text, string slots only', async () => {
    // Many messages from one user in a minute: above the default chat rate limit.
    server = await startTestServer({ alerts: { sweepIntervalMs: 0 }, chatops: { messagesPerMinute: 100_000 } });
    const post = (url: string, payload: object) => server.injectAs('operator', { method: 'POST', url: `/api/v1${url}`, payload });
    await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'node_cpu_utilisation_ratio', labels: { host: 'web-1' }, samples: [[Date.now(), 0.5]] }] } });
    await server.injectAs('admin', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: [{ status: 'firing', labels: { alertname: 'HighCpu', host: 'web-1' } }] } });

    const templates = ['{w}', 'silences on {w}', 'list runbooks about {w}', '{w} alerts', '{w} incidents', '{w} incident 1', 'cpu on web-1 {w}', 'silence {w} alerts on web-1 for 1h', 'cpu on web-1 last {w}', 'cpu on web-1 this {w}', 'restart {w} on web-1', 'mark 1 {w}'];
    const words = Object.getOwnPropertyNames(Object.prototype);
    const failures: string[] = [];
    for (const word of words) {
      for (const template of templates) {
        const text = template.replace('{w}', word);
        const answer = await post('/chat', { text });
        if (answer.statusCode !== 200 || /native code|function /.test(answer.body)) failures.push(`${text} → ${answer.statusCode} ${answer.body.slice(0, 160)}`);
        const parsed = await post('/chat/parse', { text });
        const slots = parsed.statusCode === 200 ? (parsed.json() as { slots: Record<string, unknown> }).slots : {};
        const odd = Object.entries(slots).filter(([key, value]) => key !== 'params' && value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
        if (parsed.statusCode !== 200 || odd.length > 0) failures.push(`parse ${text} → ${parsed.statusCode} ${parsed.body.slice(0, 160)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

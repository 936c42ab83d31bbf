import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * The stream carries events of every feature; each is read with that feature's permission.
 * An API key scoped to `stream:read` and `metrics:read` (a wallboard of samples) received
 * alerts, incidents, notes, runbook runs and their output as well: `stream:read` let it
 * read what its scopes deny on every other route.
 */
describe('the live stream under API key scopes', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  const keyWith = async (scopes: string[]): Promise<string> => {
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'wallboard', role: 'viewer', scopes } });
    expect(created.statusCode).toBe(201);
    return (created.json() as { secret: string }).secret;
  };

  /** Opens the stream and collects its text until `until` appears in it. */
  const open = async (key: string, query = '') => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/stream${query}`, { headers: { authorization: `Bearer ${key}` }, signal: controller.signal });
    let text = '';
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    return {
      status: response.status,
      body: async () => {
        const rest = await response.text();
        controller.abort();
        return rest;
      },
      async until(needle: string): Promise<string> {
        while (!text.includes(needle)) {
          reader ??= response.body!.getReader();
          const { value, done } = await reader.read();
          if (done) break;
          text += Buffer.from(value).toString('utf8');
        }
        return text;
      },
      close: () => controller.abort(),
    };
  };

  it('sends a key only the events its scopes may read, and refuses to subscribe it to others', async () => {
    server = await startTestServer({ listen: true, alerts: { sweepIntervalMs: 0 } });
    const key = await keyWith(['stream:read', 'metrics:read']);

    // Its own route for alerts is refused: the scopes say so.
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(403);

    const stream = await open(key);
    expect(stream.status).toBe(200);
    await stream.until('retry:');
    // An alert (opening an incident with its timeline), then a sample: events go out in order,
    // so once the sample is there, anything of the alert's that was going to be sent has been.
    await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'HighCpu', host: 'web-1' } }]);
    await server.app.metrics.ingest([{ name: 'node_load1', labels: { host: 'web-1' }, samples: [[Date.now(), 1]] }]);
    const text = await stream.until('event: samples');
    stream.close();
    const types = [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    expect(types).toContain('samples');
    expect(types.filter((t) => t !== 'samples')).toEqual([]);

    // Asking for a type it may not read is a 403 naming the permission, as on the type's routes.
    const asked = await open(key, '?types=samples,alert');
    expect(asked.status).toBe(403);
    expect(JSON.parse(await asked.body())).toMatchObject({ error: { code: 'E_FORBIDDEN', details: { permission: 'alerts:read' } } });
  });
});

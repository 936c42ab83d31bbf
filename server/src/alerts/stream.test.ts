import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/** Reads Server-Sent Events until `enough` says so; returns them as {event, data}. */
async function readEvents(response: Response, enough: (events: Array<{ event: string; data: unknown }>) => boolean) {
  const events: Array<{ event: string; data: unknown }> = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  while (!enough(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return events;
}

describe('alerts on the live stream', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('carries alert, incident and timeline changes to SSE clients', async () => {
    server = await startTestServer({ listen: true, alerts: { sweepIntervalMs: 0 } });
    const token = await server.tokenFor('viewer');
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/stream?types=alert,incident,timeline`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    const reading = readEvents(response, (events) => events.filter((e) => e.event === 'incident').length === 3);

    const [outcome] = await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'Live', target: 'web-1' } }]);
    await server.injectAs('operator', { method: 'POST', url: `/api/v1/alerts/${outcome!.alert.id}/acknowledge`, payload: { comment: 'seen it' } });
    const events = await reading;
    controller.abort();
    expect(events.map((e) => `${e.event}:${(e.data as { action?: string; kind?: string }).action ?? (e.data as { kind: string }).kind}`)).toEqual([
      'incident:opened',
      'timeline:incident_opened',
      'timeline:alert_firing',
      'alert:created',
      // Once per incident per transaction, after the alerts' events: its counts after the batch.
      'incident:updated',
      'timeline:alert_acknowledged',
      'alert:acknowledged',
      'incident:updated',
    ]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/** Reads Server-Sent Events until `enough` says so; returns them as {event, data, id}. */
async function readEvents(response: Response, enough: (events: Array<{ event: string; data: unknown; id: number }>) => boolean) {
  const events: Array<{ event: string; data: unknown; id: number }> = [];
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
      if (event && data) events.push({ event, data: JSON.parse(data), id: Number(/^id: (.*)$/m.exec(block)?.[1]) });
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
    const described = events.map((e) => `${e.event}:${(e.data as { action?: string; kind?: string }).action ?? (e.data as { kind: string }).kind}`);
    expect(described).toEqual([
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

    // A client that resumes from before them gets the same events under the same ids. On
    // SQLite the alert and timeline ones are replayed from their tables (the log keeps markers
    // of them): each alert event with its action, and the alert as it is now. PostgreSQL's
    // shared log keeps copies (other replicas deliver its rows live): the alert as it was.
    const sqlite = server.app.ctx.sql.dialect === 'sqlite';
    const stored = await server.app.ctx.sql.db.selectFrom('stream_events').select(['type', 'data']).where('type', 'in', ['alert', 'timeline']).execute();
    expect(stored.every((row) => row.data.startsWith('{"m":'))).toBe(sqlite);
    const resumed = await fetch(`${server.url}/api/v1/stream?types=alert,incident,timeline`, { headers: { authorization: `Bearer ${token}`, 'last-event-id': String(events[0]!.id - 1) } });
    const replayed = await readEvents(resumed, (got) => got.length === events.length);
    expect(replayed.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(replayed.map((e) => `${e.event}:${(e.data as { action?: string; kind?: string }).action ?? (e.data as { kind: string }).kind}`)).toEqual(described);
    const alertsOf = (got: typeof events) => got.filter((e) => e.event === 'alert').map((e) => (e.data as { alert: unknown }).alert);
    const acknowledged = (events[6]!.data as { alert: unknown }).alert;
    expect(alertsOf(replayed)).toEqual(sqlite ? [acknowledged, acknowledged] : alertsOf(events));
    expect(replayed.filter((e) => e.event === 'timeline').map((e) => e.data)).toEqual(events.filter((e) => e.event === 'timeline').map((e) => e.data));
  });
});

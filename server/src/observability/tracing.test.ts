import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';
import { runPeriodically } from '../metrics/periodic.ts';
import { startTracing, tracingActive, tracingRequested, type Tracing } from './tracing.ts';

// The server's traces as a collector receives them: the official Node SDK exporting
// OTLP/HTTP (JSON encoding) to a receiver on loopback, nothing mocked in between.

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}
interface Received {
  spans: OtlpSpan[];
  serviceNames: string[];
}

async function startOtlpReceiver(): Promise<{ url: string; received: Received; close(): Promise<void> }> {
  const received: Received = { spans: [], serviceNames: [] };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url !== '/v1/traces' || request.method !== 'POST') {
        response.statusCode = 404;
        response.end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = JSON.parse((request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as {
        resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const resourceSpans of body.resourceSpans) {
        const service = resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue;
        if (service) received.serviceNames.push(service);
        for (const scope of resourceSpans.scopeSpans) received.spans.push(...scope.spans);
      }
      response.setHeader('content-type', 'application/json');
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const attribute = (span: OtlpSpan, key: string) => span.attributes?.find((entry) => entry.key === key)?.value.stringValue;

async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 400; i += 1) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('tracing is off by default', () => {
  it('starts only when the standard OTEL_* variables ask for it', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_SERVICE_NAME: 'x' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(false);
    expect(tracingRequested({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(false);
  });

  it('leaves the server uninstrumented without them', async () => {
    const tracing = await startTracing({});
    expect(tracing.enabled).toBe(false);
    expect(tracingActive()).toBe(false);
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    const server = await startTestServer({ logStream: stream, config: { logLevel: 'info' } });
    await server.app.inject({ method: 'GET', url: '/api/v1/version' });
    await server.close();
    expect(logged).toContain('request completed');
    expect(logged).not.toContain('trace_id');
  });
});

describe('with an OTLP endpoint', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let tracing: Tracing;
  let server: TestServer;
  let logged = '';
  const saved = { ...process.env };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'smartcloudops-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    tracing = await startTracing(process.env);
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    server = await startTestServer({ listen: true, logStream: stream, config: { logLevel: 'info' } });
  });
  afterAll(async () => {
    await server.close();
    await tracing.shutdown();
    await receiver.close();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  });

  it('exports a request as a SERVER span continuing the caller\'s trace, with its database calls as descendants', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const response = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpan}-01` },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    expect(response.status).toBe(200);

    const spans = () => receiver.received.spans.filter((span) => span.traceId === traceId);
    const request = await waitFor(() => spans().find((span) => span.name === 'POST /api/v1/auth/login'), 'the request span');
    expect(request.kind).toBe(2); // SERVER
    expect(request.parentSpanId).toBe(callerSpan);
    expect(receiver.received.serviceNames).toContain('smartcloudops-under-test');

    // The database spans arrive in the same or a later batch.
    const database = await waitFor(() => {
      const found = spans().filter((span) => attribute(span, 'db.system.name') === 'sqlite');
      return found.some((span) => span.name.startsWith('INSERT refresh_tokens')) ? found : undefined;
    }, 'the database spans');
    expect(database.map((span) => span.name)).toContain('SELECT users');
    const byId = new Map(spans().map((span) => [span.spanId, span]));
    for (const span of database) {
      expect(span.kind).toBe(3); // CLIENT
      // Statements, and the transaction around the sign-in's session and audit entry.
      expect(attribute(span, 'db.query.text')).toMatch(/^\s*(SELECT|INSERT|UPDATE|DELETE|BEGIN|COMMIT|ROLLBACK)\b/i);
      // Walk up: every database call of the request hangs below its SERVER span.
      let ancestor: OtlpSpan | undefined = span;
      while (ancestor && ancestor.spanId !== request.spanId) ancestor = ancestor.parentSpanId ? byId.get(ancestor.parentSpanId) : undefined;
      expect(ancestor, `${span.name} is below the request span`).toBe(request);
    }
    // The password never becomes an attribute: statements carry placeholders, not values.
    expect(JSON.stringify(spans())).not.toContain(TEST_ADMIN_PASSWORD);
  });

  it('writes the trace id into the log lines of the request', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      body: JSON.stringify({ username: 'admin', password: 'not-the-password' }),
    });
    const lines = await waitFor(() => {
      const found = logged.split('\n').filter((line) => line.includes(`"trace_id":"${traceId}"`));
      return found.length > 0 ? found : undefined;
    }, 'a log line with the trace id');
    expect(JSON.parse(lines[0]!)).toMatchObject({ trace_id: traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('traces an outbound webhook delivery and passes its trace context to the receiver', async () => {
    const seen: string[] = [];
    const hook = http.createServer((request, response) => {
      seen.push(String(request.headers.traceparent ?? ''));
      request.resume();
      request.on('end', () => response.writeHead(200).end('ok'));
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(hook.address() as AddressInfo).port}`;
    try {
      const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/webhooks', payload: { name: 'traced', url: `http://${host}/hook/secret-token`, format: 'json' } });
      expect(created.statusCode).toBe(201);
      await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'Traced', target: 'web-1' }, severity: 'critical' }]);
      const delivery = await waitFor(() => receiver.received.spans.find((span) => span.name === 'webhook.deliver'), 'the delivery span');
      expect(delivery.kind).toBe(3); // CLIENT
      expect(attribute(delivery, 'server.address')).toBe(host);
      expect(JSON.stringify(delivery)).not.toContain('secret-token');
      expect(seen[0]).toBe(`00-${delivery.traceId}-${delivery.spanId}-01`);
    } finally {
      await new Promise((resolve) => hook.close(resolve));
    }
  });

  it('traces a worker job as its own root span with its database calls beneath', async () => {
    const task = runPeriodically('trace-test', 60_000, () => server.app.ctx.db.prepare('SELECT count(*) AS n FROM users').get(), server.app.log as never);
    try {
      const job = await waitFor(() => receiver.received.spans.find((span) => span.name === 'job trace-test'), 'the job span');
      expect(job.parentSpanId ?? '').toBe('');
      const query = await waitFor(() => receiver.received.spans.find((span) => span.traceId === job.traceId && span.name === 'SELECT users'), 'the job\'s query');
      expect(query.parentSpanId).toBe(job.spanId);
    } finally {
      task.stop();
    }
  });
});

import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { SERVER_VERSION } from '../health/version.ts';

/**
 * OpenTelemetry tracing, off unless the standard environment asks for it: an OTLP
 * endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or an
 * explicit OTEL_TRACES_EXPORTER other than `none`; OTEL_SDK_DISABLED=true wins over both.
 * Everything else (protocol, headers, sampler, service name, resource attributes) is the
 * official Node SDK reading its usual OTEL_* variables. When off, the SDK is not even
 * loaded and the helpers below call straight through: no span objects, no context work.
 */
export function tracingRequested(env: Record<string, string | undefined>): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporters) return exporters.split(',').some((name) => name.trim() !== 'none' && name.trim() !== '');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

export interface Tracing {
  enabled: boolean;
  /** Flushes the spans still queued (on shutdown). */
  shutdown(): Promise<void>;
}

let active = false;

/** Whether spans are being recorded: decides whether the server instruments itself at all. */
export function tracingActive(): boolean {
  return active;
}

/** Starts the Node SDK when the environment asks for it. Call before building the server. */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  if (active) throw new Error('tracing already started');
  if (!tracingRequested(env)) return { enabled: false, shutdown: async () => undefined };
  // Traces only: the server's metrics stay on /metrics (prom-client), its logs on stdout
  // (pino, with the trace ids). The SDK would otherwise default both to OTLP as well.
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({ serviceName: env.OTEL_SERVICE_NAME?.trim() || 'smartcloudops-server', instrumentations: [] });
  sdk.start();
  active = true;
  return {
    enabled: true,
    shutdown: async () => {
      active = false;
      await sdk.shutdown();
    },
  };
}

export const tracer = () => trace.getTracer('smartcloudops-server', SERVER_VERSION);

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
}

/**
 * Runs `work` inside a span (a child of the active one, a root span otherwise), recording
 * a thrown error or rejection. With tracing off it is just `work()`.
 */
export function withSpan<T>(name: string, options: SpanOptions, work: (span: Span | null) => T): T {
  if (!active) return work(null);
  return tracer().startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes ?? {} }, (span) => {
    const fail = (error: unknown) => {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      span.end();
    };
    try {
      const result = work(span);
      if (result instanceof Promise) {
        return result.then(
          (value: unknown) => {
            span.end();
            return value;
          },
          (error: unknown) => {
            fail(error);
            throw error;
          },
        ) as T;
      }
      span.end();
      return result;
    } catch (error) {
      fail(error);
      throw error;
    }
  });
}

/** W3C trace context headers for an outbound request made inside the active span (none when off). */
export function traceHeaders(): Record<string, string> {
  if (!active) return {};
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

/** The active span's ids for a log line, or nothing. */
export function activeTraceIds(): { trace_id: string; span_id: string } | Record<string, never> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

export { SpanKind };

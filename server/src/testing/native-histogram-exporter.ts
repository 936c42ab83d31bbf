import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scrape target that exposes native (sparse) histograms, for tests against a real
 * Prometheus started with `--enable-feature=native-histograms`. Prometheus reads native
 * histograms only from the protobuf exposition format, so this writes it by hand: a few
 * fields of `io.prometheus.client.MetricFamily`, each message length-delimited. Beside the
 * histogram it exposes one gauge, so a test can see float and histogram series together.
 */
export interface NativeHistogramExporter {
  /** `host:port`, for a scrape config. */
  target: string;
  /** Observations made so far (each scrape sees the running totals). */
  observe(value: number): void;
  /** Exposes one more histogram family (the same observations) from the next scrape on. */
  addHistogram(name: string): void;
  stop(): Promise<void>;
}

const CONTENT_TYPE = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

export async function startNativeHistogramExporter(options: { histogram: string; gauge: string; gaugeValue: number }): Promise<NativeHistogramExporter> {
  // Schema 0: bucket i holds (2^(i-1), 2^i]. Counts per bucket index, kept sparse.
  const buckets = new Map<number, number>();
  let count = 0;
  let sum = 0;
  let zeroCount = 0;
  const histogramNames = [options.histogram];
  const server = http.createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    const histogram = histogramMessage({ count, sum, zeroCount, buckets });
    const families = Buffer.concat([
      ...histogramNames.map((name) => delimited(family(name, 4, message([field(7, histogram)])))),
      delimited(family(options.gauge, 1, message([field(2, message([double(1, options.gaugeValue)]))]))),
    ]);
    response.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': families.length }).end(families);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    observe(value) {
      count++;
      sum += value;
      if (value === 0) zeroCount++;
      else {
        const index = Math.ceil(Math.log2(Math.abs(value)));
        buckets.set(index, (buckets.get(index) ?? 0) + 1);
      }
    },
    addHistogram(name) {
      histogramNames.push(name);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `Histogram` with the native fields: schema 0, zero bucket, positive spans and deltas. */
function histogramMessage(h: { count: number; sum: number; zeroCount: number; buckets: Map<number, number> }): Buffer {
  const indices = [...h.buckets.keys()].sort((a, b) => a - b);
  const spans: Buffer[] = [];
  const deltas: number[] = [];
  let previousIndex: number | undefined;
  let previousCount = 0;
  let spanLength = 0;
  let spanOffset = 0;
  for (const index of indices) {
    if (previousIndex === undefined || index !== previousIndex + 1) {
      if (spanLength > 0) spans.push(message([sint(1, spanOffset), varintField(2, spanLength)]));
      spanOffset = previousIndex === undefined ? index : index - previousIndex - 1;
      spanLength = 0;
    }
    spanLength++;
    const current = h.buckets.get(index)!;
    deltas.push(current - previousCount);
    previousCount = current;
    previousIndex = index;
  }
  if (spanLength > 0) spans.push(message([sint(1, spanOffset), varintField(2, spanLength)]));
  return message([
    varintField(1, h.count),
    double(2, h.sum),
    sint(5, 0),
    double(6, 1e-128),
    varintField(7, h.zeroCount),
    ...spans.map((span) => field(12, span)),
    ...(deltas.length > 0 ? [field(13, Buffer.concat(deltas.map((d) => varint(zigzag(d)))))] : []),
  ]);
}

function family(name: string, type: number, metric: Buffer): Buffer {
  return message([field(1, Buffer.from(name)), varintField(3, type), field(4, metric)]);
}

function message(parts: Buffer[]): Buffer {
  return Buffer.concat(parts);
}

function delimited(body: Buffer): Buffer {
  return Buffer.concat([varint(body.length), body]);
}

/** A length-delimited field (wire type 2). */
function field(number: number, body: Buffer): Buffer {
  return Buffer.concat([varint((number << 3) | 2), varint(body.length), body]);
}

function varintField(number: number, value: number): Buffer {
  return Buffer.concat([varint(number << 3), varint(value)]);
}

function sint(number: number, value: number): Buffer {
  return varintField(number, zigzag(value));
}

function double(number: number, value: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeDoubleLE(value);
  return Buffer.concat([varint((number << 3) | 1), body]);
}

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

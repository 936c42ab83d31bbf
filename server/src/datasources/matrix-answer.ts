import type { PromMatrix } from '../../../shared/api/datasources.ts';
import type { ProxyAnswer } from './proxy.ts';

/**
 * The matrix of a range answer, for what reads one (PromQL rules, anomaly watches). The proxy
 * passes a source's 200 through unread, and a 200 is not always Prometheus's: a login page
 * of a proxy in front of it, a truncated or empty body. Read blindly, those became "Unexpected
 * token '<'…" or "Cannot read properties of undefined" as the rule's or the watch's error;
 * this names what answered instead.
 */
export function matrixOf(answer: Pick<ProxyAnswer, 'body' | 'contentType'>): PromMatrix {
  const text = answer.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw notPrometheus(answer.contentType, text);
  }
  const data = (parsed as { status?: unknown; data?: { resultType?: unknown; result?: unknown } } | null)?.data;
  if ((parsed as { status?: unknown } | null)?.status !== 'success' || !data || typeof data.resultType !== 'string' || !Array.isArray(data.result)) throw notPrometheus(answer.contentType, text);
  if (data.resultType !== 'matrix') throw new Error(`the query answers a ${data.resultType}, not series over time`);
  // VictoriaMetrics (cluster) answers what the storage nodes it reached hold and says so: read as
  // whole, a series on a node that did not answer looked gone and its rule's alert resolved.
  if ((parsed as { isPartial?: unknown }).isPartial === true) {
    throw new Error('the data source answered a partial result (isPartial): some of its storage did not answer, so a series missing from it is not taken as gone; asked again at the next evaluation');
  }
  // Each series' shape, not each point's (that would cost a pass over every answer): a series
  // with a null label set or values that are no list broke the readers with a TypeError.
  data.result.forEach((series: unknown, index) => {
    const problem = seriesProblem(series);
    if (problem) throw new Error(`the data source answered HTTP 200 with a matrix that is not a Prometheus API answer: series ${index + 1} ${problem}`);
  });
  return data as PromMatrix;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function seriesProblem(series: unknown): string | null {
  if (!isPlainObject(series)) return 'is not an object';
  if (!isPlainObject(series.metric)) return 'has no label set (`metric`)';
  const { values, histograms } = series;
  if (values === undefined && histograms === undefined) return 'has neither `values` nor `histograms`';
  if ((values !== undefined && !Array.isArray(values)) || (histograms !== undefined && !Array.isArray(histograms))) return 'has `values` or `histograms` that are not a list';
  return null;
}

function notPrometheus(contentType: string, text: string): Error {
  // The start of it, on one line: enough to recognise a login page or a proxy's error.
  const start = text.slice(0, 80).replace(/\s+/g, ' ').trim();
  return new Error(`the data source answered HTTP 200 with ${contentType || 'no content type'} that is not a Prometheus API answer${start ? ` (it begins "${start}")` : ' (an empty body)'}: is its URL Prometheus's, not a proxy's or a login page's?`);
}

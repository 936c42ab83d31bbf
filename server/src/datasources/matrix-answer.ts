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
  return data as PromMatrix;
}

function notPrometheus(contentType: string, text: string): Error {
  // The start of it, on one line: enough to recognise a login page or a proxy's error.
  const start = text.slice(0, 80).replace(/\s+/g, ' ').trim();
  return new Error(`the data source answered HTTP 200 with ${contentType || 'no content type'} that is not a Prometheus API answer${start ? ` (it begins "${start}")` : ' (an empty body)'}: is its URL Prometheus's, not a proxy's or a login page's?`);
}

import type { PromResponse, PromScalar, PromVector } from '../../../shared/api/datasources.ts';
import { parsePromValue } from '../../../shared/metrics/prom-values.ts';
import type { VerifySample, VerifySource, VerifySources } from './verify.ts';

/** What runbooks may use of the data sources feature: a Prometheus source by name, and an instant query on it. */
export interface PromqlSources {
  byName(name: string): Promise<{ id: number; scrapeIntervalSeconds: number } | undefined>;
  /** The answer's JSON as Prometheus sent it (through the query proxy: its auth, timeout and limits). */
  instant(id: number, query: string, atMs: number): Promise<string>;
}

/**
 * Verify sources by name: the built-in ones (`metrics`, the server's own store) first, then
 * the Prometheus data sources, looked up when a run asks (a source added or renamed since
 * the runbook was loaded is found; one deleted is "no verify source").
 */
export function verifySourcesOf(builtIn: ReadonlyMap<string, VerifySource>, promql: PromqlSources | undefined, now: () => number): VerifySources {
  return {
    async get(name) {
      const own = builtIn.get(name);
      if (own || !promql) return own;
      const source = await promql.byName(name);
      return source && promqlVerifySource(promql, source, now);
    },
  };
}

/**
 * A verify on the team's Prometheus: the query evaluated as an instant query, each series of
 * the vector one sample. Prometheus answers with the last sample of each series within its
 * lookback, so an answer counts as fresh evidence (taken after the steps) only once a scrape
 * interval has passed since they finished: before that it could be the value from before
 * the fix.
 */
export function promqlVerifySource(promql: PromqlSources, source: { id: number; scrapeIntervalSeconds: number }, now: () => number): VerifySource {
  return {
    async read(query, since) {
      const at = now();
      if (at < since + source.scrapeIntervalSeconds * 1000) return [];
      return samplesOf(JSON.parse(await promql.instant(source.id, query, at)) as PromResponse<PromVector | PromScalar>, at);
    },
  };
}

function samplesOf(answer: PromResponse<PromVector | PromScalar>, at: number): VerifySample[] {
  if (answer.status !== 'success') throw new Error(answer.error ?? 'the data source refused the query');
  const data = answer.data;
  if (data.resultType === 'scalar') return [{ labels: {}, ts: at, value: parsePromValue(data.result[1]) }];
  if (data.resultType !== 'vector') throw new Error(`a verify query must return numbers; this one returns a ${data.resultType}`);
  // A native histogram has no single value to compare: it is not evidence either way.
  return data.result.flatMap((series) => (series.value ? [{ labels: series.metric, ts: at, value: parsePromValue(series.value[1]) }] : []));
}

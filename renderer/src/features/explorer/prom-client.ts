import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import type { ApiClient } from '../../../../shared/api/client.ts';
import type { PromResponse } from '../../../../shared/api/datasources.ts';

function data<T>(answer: unknown): T {
  return (answer as PromResponse<T>).data;
}

/**
 * The PromQL editor's completion source: metric names, label names and values read
 * through our proxy (/labels, /label/:name/values, /series), so the editor needs neither
 * the source's address nor its credentials, and our permissions and cache apply.
 */
export function proxyPromClient(api: ApiClient, id: number): PrometheusClient {
  const match = (metricName?: string) => (metricName ? { 'match[]': metricName } : {});
  return {
    labelNames: async (metricName) => data<string[]>(await api.datasources.labels({ params: { id }, query: match(metricName) })),
    labelValues: async (labelName, metricName) => data<string[]>(await api.datasources.labelValues({ params: { id, name: labelName }, query: match(metricName) })),
    // The proxy does not offer /metadata; completion then simply shows no help text.
    metricMetadata: async () => ({}),
    series: async (metricName) => {
      const series = data<Array<Record<string, string>>>(await api.datasources.series({ params: { id }, query: { 'match[]': metricName } }));
      return series.map((labels) => new Map(Object.entries(labels)));
    },
    metricNames: async () => data<string[]>(await api.datasources.labelValues({ params: { id, name: '__name__' } })),
    flags: async () => ({}),
  };
}

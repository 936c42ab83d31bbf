import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from '../../../../shared/api/client.ts';
import type { PromMatrix, PromResponse } from '../../../../shared/api/datasources.ts';
import { matrixToSeries } from './matrix.ts';

export const explorerQueries = {
  /** Sources a reader may query, for the picker. */
  sources: (api: ApiClient) => queryOptions({ queryKey: ['datasources', 'readable'], queryFn: () => api.datasources.sources(), staleTime: 60_000 }),

  /** One range query through the proxy; the server picks and aligns the step. */
  range: (api: ApiClient, id: number, query: string, from: number, to: number, maxPoints: number) =>
    queryOptions({
      queryKey: ['datasources', id, 'query_range', { query, from, to, maxPoints }],
      queryFn: async () => {
        const answer = (await api.datasources.queryRange({ params: { id }, query: { query, start: String(from / 1000), end: String(to / 1000), maxPoints } })) as PromResponse<PromMatrix>;
        return matrixToSeries(answer);
      },
      staleTime: 30_000,
    }),
};

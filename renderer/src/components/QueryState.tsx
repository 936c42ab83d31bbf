import { Skeleton, Stack } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { toAppError } from '../platform/to-app-error.ts';
import { ErrorPanel } from './ErrorPanel.tsx';
import { EmptyState, type EmptyStateProps } from './EmptyState.tsx';
import { StaleNotice } from './StaleNotice.tsx';

export interface QueryStateProps<T> {
  query: UseQueryResult<T>;
  /** True when the loaded data has nothing to show. */
  isEmpty?: (data: T) => boolean;
  empty?: EmptyStateProps;
  /** Shown when the server answers E_NOT_FOUND for the whole collection: the feature is not on this server. */
  unavailable?: EmptyStateProps;
  skeletonRows?: number;
  children: (data: T) => ReactNode;
}

/** One way for every view to say loading, failed, empty or here it is. */
export function QueryState<T>({ query, isEmpty, empty, unavailable, skeletonRows = 4, children }: QueryStateProps<T>) {
  if (query.isPending) return <LoadingRows rows={skeletonRows} />;
  const retry = () => void query.refetch();
  // A failed refresh keeps the earlier answer (TanStack Query keeps `data`): show it, marked
  // as not up to date, rather than nothing but the error or, worse, as if it were current.
  if (query.isError && query.data === undefined) {
    if (unavailable && toAppError(query.error).code === 'E_NOT_FOUND') return <EmptyState {...unavailable} />;
    return <ErrorPanel error={query.error} onRetry={retry} />;
  }
  const data = query.data as T;
  return (
    <>
      {query.isError && <StaleNotice error={query.error} updatedAt={query.dataUpdatedAt} onRetry={retry} retrying={query.isFetching} />}
      {isEmpty?.(data) && empty ? <EmptyState {...empty} /> : children(data)}
    </>
  );
}

/** The loading state of a list: skeleton rows that screen readers hear as "Loading". */
export function LoadingRows({ rows = 4 }: { rows?: number }) {
  return (
    <Stack gap="xs" role="status" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => <Skeleton key={i} height={28} radius="sm" />)}
    </Stack>
  );
}

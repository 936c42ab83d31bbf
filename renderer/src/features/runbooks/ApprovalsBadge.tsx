import { Badge } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PENDING_APPROVAL_QUERY, runbookQueries } from './queries.ts';

/** The number of runs waiting for approval, beside the navigation entry. */
export function ApprovalsBadge() {
  const api = useApi();
  const pending = useQuery(runbookQueries.runs(api, PENDING_APPROVAL_QUERY));
  const count = pending.data?.runs.length ?? 0;
  if (count === 0) return null;
  return <Badge size="sm" color="yellow" circle aria-label={`${count} waiting for approval`} data-testid="approvals-badge">{count}</Badge>;
}

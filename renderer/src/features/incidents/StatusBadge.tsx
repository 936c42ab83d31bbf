import { Badge } from '@mantine/core';
import type { IncidentStatus } from '../../../../shared/api/incidents.ts';

const COLOR: Record<IncidentStatus, string> = { open: 'red', mitigated: 'yellow', resolved: 'teal' };

export function IncidentStatusBadge({ status }: { status: IncidentStatus }) {
  return <Badge color={COLOR[status]} variant="light">{status}</Badge>;
}

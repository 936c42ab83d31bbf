import { Badge } from '@mantine/core';
import type { Severity } from '../../../../shared/api/alerts.ts';
import { SEVERITY_COLOR } from '../../app/theme.ts';

export function SeverityBadge({ severity }: { severity: Severity }) {
  // Critical is the one filled badge; the darkest red keeps white text above 4.5:1 contrast.
  return <Badge color={severity === 'critical' ? 'red.9' : SEVERITY_COLOR[severity]} variant={severity === 'critical' ? 'filled' : 'light'} size="sm">{severity}</Badge>;
}

import { Badge } from '@mantine/core';
import type { Severity } from '../../../../shared/api/alerts.ts';
import { SEVERITY_COLOR } from '../../app/theme.ts';

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <Badge color={SEVERITY_COLOR[severity]} variant={severity === 'critical' ? 'filled' : 'light'} size="sm">{severity}</Badge>;
}

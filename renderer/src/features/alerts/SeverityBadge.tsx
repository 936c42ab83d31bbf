import { Badge } from '@mantine/core';
import type { Severity } from '../../../../shared/api/alerts.ts';

/**
 * Critical and warning are filled so they stand out in a list; the colours keep text at
 * 4.5:1 or better in both themes (white on the darkest red, dark text on orange).
 */
const LOOK: Record<Severity, { color: string; variant: 'filled' | 'light' }> = {
  critical: { color: 'red.9', variant: 'filled' },
  warning: { color: 'orange.4', variant: 'filled' },
  info: { color: 'blue', variant: 'light' },
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  const look = LOOK[severity];
  return <Badge color={look.color} variant={look.variant} autoContrast size="sm">{severity}</Badge>;
}

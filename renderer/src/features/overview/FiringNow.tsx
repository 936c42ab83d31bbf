import { Anchor, Group, Stack } from '@mantine/core';
import type { Alert } from '../../../../shared/api/alerts.ts';
import { alertHref } from '../alerts/alert-link.ts';
import { alertTitle } from '../alerts/alert-text.ts';
import { SeverityBadge } from '../alerts/SeverityBadge.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';

/**
 * The overview's "Firing now": the first few firing alerts, each opening its alert drawer.
 * Titles wrap (up to two lines) rather than cut to one: alerts of one rule differ only in
 * the host near the end ("p99 latency on ip-10-…" eight times on a phone).
 */
export function FiringNow({ alerts, now }: { alerts: Alert[]; now: number }) {
  return (
    <Stack gap={6}>
      {alerts.filter((alert) => alert.state === 'firing').slice(0, 8).map((alert) => (
        <Group key={alert.id} gap="xs" wrap="nowrap" align="flex-start">
          <SeverityBadge severity={alert.severity} />
          <Anchor href={alertHref(alert.id)} size="sm" lineClamp={2} className="sco-wrap-anywhere" style={{ flex: 1, minWidth: 0 }}>
            {alertTitle(alert)}
          </Anchor>
          <TimeAgo at={alert.startsAt} now={now} size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }} />
        </Group>
      ))}
    </Stack>
  );
}

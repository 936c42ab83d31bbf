import { Anchor, Badge, Button, Code, Drawer, Group, Paper, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconBook, IconExternalLink, IconFlame } from '@tabler/icons-react';
import { useState } from 'react';
import type { Alert, Silence } from '../../../../shared/api/alerts.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCan } from '../../session/permissions.ts';
import { QueryState } from '../../components/QueryState.tsx';
import { useDrawerSize } from '../../components/useDrawerSize.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useLocation } from '../../lib/router.ts';
import { incidentQueries } from '../incidents/queries.ts';
import { IncidentStatusBadge } from '../incidents/StatusBadge.tsx';
import { AcknowledgeForm } from './AcknowledgeForm.tsx';
import { ALERT_PARAM, closeAlert, safeHttpUrl } from './alert-link.ts';
import { alertTitle } from './alert-text.ts';
import { alertQueries } from './queries.ts';
import { SeverityBadge } from './SeverityBadge.tsx';

/** Annotations shown in their own places; the rest are listed as they are. */
const SHOWN_APART = new Set(['summary', 'description', 'runbook_url']);

/**
 * One alert in full, over whatever page is open: what it says (description, annotations,
 * labels), where to act (runbook, the source that raised it), what happened to it
 * (history), what mutes it (matching silences) and the incident it belongs to. Opened from
 * the alerts list, an incident and the command palette through `?alert=<id>`.
 */
export function AlertDrawer() {
  const { search } = useLocation();
  const raw = search.get(ALERT_PARAM);
  const id = raw !== null && /^\d+$/.test(raw) ? Number(raw) : null;
  const size = useDrawerSize('lg');
  return (
    <Drawer opened={id !== null} onClose={closeAlert} position="right" size={size} title={<Text fw={700}>Alert {id !== null ? `#${id}` : ''}</Text>} data-testid="alert-drawer">
      {id !== null && <AlertDetailBody id={id} />}
    </Drawer>
  );
}

function AlertDetailBody({ id }: { id: number }) {
  const api = useApi();
  const detail = useQuery(alertQueries.detail(api, id));
  return (
    <QueryState query={detail} skeletonRows={8}>
      {({ alert, history, silences }) => (
        <Stack gap="md">
          <AlertHeading alert={alert} />
          <AlertLinks alert={alert} />
          <AlertActions alert={alert} />
          {alert.incidentId !== null && <LinkedIncident incidentId={alert.incidentId} />}
          <LabelTable title="Labels" entries={Object.entries(alert.labels)} />
          <LabelTable title="Annotations" entries={Object.entries(alert.annotations).filter(([key]) => !SHOWN_APART.has(key))} emptyText="No other annotations." />
          <MatchingSilences silences={silences} silenced={alert.silenced} />
          <Stack gap={6}>
            <Title order={3} size="h5">History</Title>
            <Timeline bulletSize={14} lineWidth={2} active={history.length}>
              {history.map((entry) => (
                <Timeline.Item key={entry.id} title={`${entry.fromState ?? 'new'} → ${entry.toState}`}>
                  <Text size="xs" c="dimmed">{formatDateTime(entry.ts)} · {entry.actor}</Text>
                  {entry.comment && <Text size="sm">{entry.comment}</Text>}
                </Timeline.Item>
              ))}
            </Timeline>
          </Stack>
        </Stack>
      )}
    </QueryState>
  );
}

function AlertHeading({ alert }: { alert: Alert }) {
  const description = alert.annotations.description;
  return (
    <Stack gap={6}>
      <Group gap="xs">
        <SeverityBadge severity={alert.severity} />
        <Badge variant="dot" color={alert.state === 'firing' ? 'red' : alert.state === 'acknowledged' ? 'yellow' : 'teal'}>{alert.state}</Badge>
        {alert.silenced && <Badge variant="light" color="gray">silenced</Badge>}
        <Badge variant="outline" color="gray">{alert.source}</Badge>
      </Group>
      <Title order={2} size="h4" className="sco-wrap-anywhere">{alertTitle(alert)}</Title>
      {description ? <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} className="sco-wrap-anywhere" data-testid="alert-description">{description}</Text> : <Text size="sm" c="dimmed">The source gave no description.</Text>}
      <Text size="xs" c="dimmed">
        Since {formatDateTime(alert.startsAt)} · last seen {formatDateTime(alert.lastSeenAt)} · reported {alert.occurrences}×
        {alert.endsAt !== null ? ` · resolved ${formatDateTime(alert.endsAt)}` : ''}
      </Text>
      {alert.acknowledgedBy && (
        <Text size="xs" c="dimmed">Acknowledged by {alert.acknowledgedBy}{alert.ackComment ? `: “${alert.ackComment}”` : ''}</Text>
      )}
    </Stack>
  );
}

function AlertLinks({ alert }: { alert: Alert }) {
  const runbook = safeHttpUrl(alert.annotations.runbook_url);
  const source = safeHttpUrl(alert.generatorUrl);
  if (!runbook && !source) return <Text size="xs" c="dimmed">No runbook or source link on this alert.</Text>;
  return (
    <Group gap="xs">
      {runbook && (
        <Button component="a" href={runbook} target="_blank" rel="noopener noreferrer" leftSection={<IconBook size={16} />}>
          Open runbook
        </Button>
      )}
      {source && (
        <Button component="a" href={source} target="_blank" rel="noopener noreferrer" variant="default" leftSection={<IconExternalLink size={16} />}>
          Open in source
        </Button>
      )}
    </Group>
  );
}

function AlertActions({ alert }: { alert: Alert }) {
  const canWrite = useCan('alerts:write');
  const [acking, setAcking] = useState(false);
  if (!canWrite || alert.state !== 'firing') return null;
  if (acking) return <Paper withBorder p="sm" radius="md"><AcknowledgeForm alerts={[alert]} onDone={() => setAcking(false)} /></Paper>;
  return (
    <Group>
      <Button variant="light" onClick={() => setAcking(true)}>Acknowledge…</Button>
    </Group>
  );
}

function LinkedIncident({ incidentId }: { incidentId: number }) {
  const api = useApi();
  const canRead = useCan('incidents:read');
  const incident = useQuery({ ...incidentQueries.detail(api, incidentId), enabled: canRead });
  return (
    <Paper withBorder radius="md" p="sm">
      <Group gap="xs" wrap="wrap">
        <IconFlame size={18} aria-hidden />
        <Text size="sm" fw={600}>Incident</Text>
        <Anchor href={`#/incidents/${incidentId}`} size="sm" className="sco-wrap-anywhere" data-testid="alert-incident-link">#{incidentId}{incident.data ? ` ${incident.data.incident.title}` : ''}</Anchor>
        {incident.data && <IncidentStatusBadge status={incident.data.incident.status} />}
      </Group>
    </Paper>
  );
}

function LabelTable({ title, entries, emptyText }: { title: string; entries: Array<[string, string]>; emptyText?: string }) {
  return (
    <Stack gap={6}>
      <Title order={3} size="h5">{title}</Title>
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">{emptyText ?? 'None.'}</Text>
      ) : (
        <Table verticalSpacing={2} aria-label={title} withRowBorders={false}>
          <Table.Tbody>
            {entries.sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => (
              <Table.Tr key={key}>
                <Table.Td w="35%"><Code>{key}</Code></Table.Td>
                <Table.Td><Text size="sm" style={{ overflowWrap: 'anywhere' }}>{value}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function MatchingSilences({ silences, silenced }: { silences: Silence[]; silenced: boolean }) {
  return (
    <Stack gap={6}>
      <Title order={3} size="h5">Silences that match</Title>
      {silences.length === 0 ? (
        <Text size="sm" c="dimmed">{silenced ? 'Silenced, but the silence has just ended.' : 'No silence matches this alert.'}</Text>
      ) : (
        <Stack gap={4} data-testid="alert-silences">
          {silences.map((silence) => (
            <Group key={silence.id} gap="xs" wrap="wrap">
              <Badge variant="light" color={silence.state === 'active' ? 'gray' : 'blue'}>{silence.state}</Badge>
              <Anchor href="#/silences" size="sm">#{silence.id}</Anchor>
              <Code>{silence.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')}</Code>
              <Text size="xs" c="dimmed">until {formatDateTime(silence.endsAt)} · {silence.comment}</Text>
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

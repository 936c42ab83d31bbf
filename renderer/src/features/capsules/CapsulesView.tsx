import { Group, Paper, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconPackageImport } from '@tabler/icons-react';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { navigate } from '../../lib/router.ts';
import { SeverityBadge } from '../alerts/SeverityBadge.tsx';
import { IncidentStatusBadge } from '../incidents/StatusBadge.tsx';
import { ImportCapsuleButton } from '../incidents/ImportCapsuleButton.tsx';
import { CapsuleScope } from './CapsuleScope.tsx';

/** `#/capsules`: the incidents opened from capsule files on this machine, reviewable with no server. */
export function CapsulesView() {
  return (
    <>
      <PageHeader title="Imported capsules" description="Incidents opened from .scocapsule files, read on this machine without a server." actions={<ImportCapsuleButton />} />
      <CapsuleScope>{() => <CapsuleList />}</CapsuleScope>
    </>
  );
}

function CapsuleList() {
  const api = useApi();
  const incidents = useQuery({ queryKey: ['capsules', 'incidents'], queryFn: () => api.incidents.list({ query: { limit: 200 } }) });
  return (
    <Paper withBorder radius="md">
      <QueryState
        query={incidents}
        isEmpty={(data) => data.items.length === 0}
        empty={{ title: 'No capsules imported', description: 'Import a capsule someone shared to review its incident, metrics and source queries offline.', icon: <IconPackageImport size={24} /> }}
      >
        {(data) => (
          <Table highlightOnHover verticalSpacing={8} aria-label="Imported incidents">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Severity</Table.Th>
                <Table.Th>Incident</Table.Th>
                {/* On a phone status and time move under the title: four columns do not fit 390 px. */}
                <Table.Th visibleFrom="sm">Status</Table.Th>
                <Table.Th visibleFrom="sm">Opened</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.map((incident) => (
                <Table.Tr key={incident.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/capsules/${incident.id}`)}>
                  <Table.Td><SeverityBadge severity={incident.severity} /></Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500} component="a" href={`#/capsules/${incident.id}`} c="inherit" style={{ overflowWrap: 'anywhere' }}>#{incident.id} {incident.title}</Text>
                    <Group gap="xs" mt={4} hiddenFrom="sm">
                      <IncidentStatusBadge status={incident.status} />
                      <Text size="xs" c="dimmed">{formatDateTime(incident.openedAt)}</Text>
                    </Group>
                  </Table.Td>
                  <Table.Td visibleFrom="sm"><IncidentStatusBadge status={incident.status} /></Table.Td>
                  <Table.Td visibleFrom="sm"><Text size="sm" c="dimmed">{formatDateTime(incident.openedAt)}</Text></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Paper>
  );
}

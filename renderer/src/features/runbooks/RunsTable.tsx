import { Table, Text } from '@mantine/core';
import type { Run } from '../../../../shared/api/runbooks.ts';
import { formatDateTime } from '../../lib/format.ts';
import { navigate } from '../../lib/router.ts';
import { RunStateBadge } from './RunStateBadge.tsx';

/**
 * Runs, newest first. `showRunbook` false on a runbook's own page: every row would name the
 * same runbook, and that column pushed "Requested by" and "When" out of the half-width card.
 */
export function RunsTable({ runs, label, showRunbook = true }: { runs: Run[]; label: string; showRunbook?: boolean }) {
  return (
    // Wider than a phone: the table scrolls in its own box rather than widening the page.
    <Table.ScrollContainer minWidth={showRunbook ? 640 : 480}>
      <Table highlightOnHover verticalSpacing={6} aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Run</Table.Th>
            {showRunbook && <Table.Th>Runbook</Table.Th>}
            <Table.Th>State</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>Requested by</Table.Th>
            <Table.Th>When</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((run) => (
            <Table.Tr key={run.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/runbook-runs/${run.id}`)}>
              <Table.Td><Text size="sm" component="a" href={`#/runbook-runs/${run.id}`} c="inherit">#{run.id}{run.dryRun ? ' (dry run)' : ''}</Text></Table.Td>
              {/* The box scrolls anyway: give a long title room for a few words a line, where
                  the 640 px shared by six columns left it about 80 px, one word a line. */}
              {showRunbook && <Table.Td miw={220}><Text size="sm">{run.title}</Text></Table.Td>}
              <Table.Td><RunStateBadge state={run.state} />{run.reason && <Text size="xs" c="dimmed">{run.reason}</Text>}</Table.Td>
              <Table.Td><Text size="sm" ff="monospace">{run.target}</Text></Table.Td>
              <Table.Td><Text size="sm">{run.requestedBy}</Text></Table.Td>
              <Table.Td><Text size="sm" c="dimmed">{formatDateTime(run.createdAt)}</Text></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

import { useState } from 'react';
import { Badge, Button, Code, Group, Paper, Select, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { IconSearch } from '@tabler/icons-react';
import { AUDIT_OUTCOMES, type AuditEntry, type AuditOutcome } from '../../../../shared/api/audit.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadingRows } from '../../components/QueryState.tsx';
import { StaleNotice } from '../../components/StaleNotice.tsx';
import { AdminCards } from '../../components/admin/AdminCards.tsx';
import type { AdminColumn } from '../../components/admin/AdminTable.tsx';
import { useCompactLayout } from '../../components/responsive/use-compact.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useListCursor } from '../../keyboard/useListCursor.ts';
import { adminQueries } from './queries.ts';

const OUTCOME_COLOR: Record<AuditOutcome, string> = { success: 'teal', failure: 'orange', denied: 'red' };

const COLUMNS: ReadonlyArray<AdminColumn<AuditEntry>> = [
  { header: 'Time', cell: (entry) => <Text size="sm" ff="monospace">{formatDateTime(entry.ts)}</Text> },
  {
    header: 'Actor',
    cell: (entry) => (
      <>
        <Text size="sm">{entry.actor ?? 'anonymous'}</Text>
        <Text size="xs" c="dimmed">{entry.actorKind}</Text>
      </>
    ),
  },
  // The card's title already says the action.
  { header: 'Action', cell: (entry) => <Code>{entry.action}</Code>, inCard: false },
  { header: 'Target', cell: (entry) => <Text size="sm">{entry.target ?? '–'}</Text> },
  { header: 'Outcome', cell: (entry) => <Badge variant="dot" color={OUTCOME_COLOR[entry.outcome]}>{entry.outcome}</Badge> },
  { header: 'Address', cell: (entry) => <Text size="sm" c="dimmed">{entry.ip ?? '–'}</Text> },
];

export function AuditView() {
  const api = useApi();
  const compact = useCompactLayout();
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState<AuditOutcome | null>(null);
  const [filters] = useDebouncedValue({ actor: actor.trim() || undefined, action: action.trim() || undefined, outcome: outcome ?? undefined }, 300);
  const audit = useInfiniteQuery(adminQueries.audit(api, filters));
  const entries = audit.data?.pages.flatMap((page) => page.entries) ?? [];
  const cursor = useListCursor(entries.length);

  return (
    <>
      <PageHeader title="Audit log" description="Every change and every action, newest first." />
      <Group mb="md" gap="sm" align="flex-end">
        <TextInput label="Actor" placeholder="admin" leftSection={<IconSearch size={14} />} value={actor} onChange={(e) => setActor(e.currentTarget.value)} />
        <TextInput label="Action" placeholder="user.* or auth.login" value={action} onChange={(e) => setAction(e.currentTarget.value)} />
        <Select label="Outcome" placeholder="Any" clearable data={[...AUDIT_OUTCOMES]} value={outcome} onChange={(value) => setOutcome(value as AuditOutcome | null)} />
      </Group>
      {audit.isError && audit.data && <StaleNotice error={audit.error} updatedAt={audit.dataUpdatedAt} onRetry={() => void audit.refetch()} retrying={audit.isFetching} />}
      {/* On a phone the cards are the frame, as on the other admin lists. */}
      <Paper withBorder={!compact} radius="md" bg={compact ? 'transparent' : undefined}>
        {audit.isPending ? (
          <LoadingRows rows={6} />
        ) : audit.isError && !audit.data ? (
          <ErrorPanel error={audit.error} onRetry={() => void audit.refetch()} />
        ) : entries.length === 0 ? (
          <EmptyState title="No matching entries" description="Loosen the filters: an action ending in * matches a prefix." />
        ) : compact ? (
          // Six columns do not fit a phone: a card per entry rather than a table wider than the screen.
          <AdminCards rows={entries} rowKey={(entry) => entry.id} columns={COLUMNS} label="Audit entries" rowLabel={(entry) => `${entry.action} by ${entry.actor ?? 'anonymous'}`} />
        ) : (
          <Table highlightOnHover verticalSpacing={6} aria-label="Audit entries">
            <Table.Thead>
              <Table.Tr>
                {COLUMNS.map((column) => <Table.Th key={column.header}>{column.header}</Table.Th>)}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((entry, i) => (
                <Table.Tr key={entry.id} data-cursor-row aria-selected={cursor.index === i} bg={cursor.index === i ? 'var(--mantine-primary-color-light)' : undefined} onClick={() => cursor.setIndex(i)}>
                  {COLUMNS.map((column) => <Table.Td key={column.header}>{column.cell(entry)}</Table.Td>)}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {audit.hasNextPage && (
        <Group justify="center" mt="md">
          <Button variant="default" loading={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>Load older entries</Button>
        </Group>
      )}
    </>
  );
}

import { Group, Paper, Table, VisuallyHidden } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { EmptyStateProps } from '../EmptyState.tsx';
import { QueryState } from '../QueryState.tsx';
import { useCompactLayout } from '../responsive/use-compact.ts';
import { AdminCards } from './AdminCards.tsx';

export interface AdminColumn<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  /** `false`: left out of the phone card (the card's name already says it). */
  inCard?: false;
  /** `false`: only in the phone card (what a left-out column's cell adds to its name). */
  inTable?: false;
}

export interface AdminTableProps<Data, Row> {
  query: UseQueryResult<Data>;
  rows: (data: Data) => readonly Row[];
  rowKey: (row: Row) => string | number;
  columns: ReadonlyArray<AdminColumn<Row>>;
  /** The table's accessible name ("Alert rules"). */
  label: string;
  /** Buttons at the end of each row (edit, test, delete...). */
  actions?: (row: Row) => ReactNode;
  /** The row's name, the title and accessible name of its card on a phone. */
  rowLabel?: (row: Row) => string;
  empty: EmptyStateProps;
  unavailable?: EmptyStateProps;
}

/**
 * The list half of the admin pages (alert rules, webhooks, anomaly models) and of silences: loading /
 * failed / empty states, a named table with row actions on the right, and on phones and
 * tablets (`useCompactLayout`) a named list of cards instead of a squeezed table.
 */
export function AdminTable<Data, Row>({ query, rows, rowKey, columns, label, actions, rowLabel, empty, unavailable }: AdminTableProps<Data, Row>) {
  const tableColumns = columns.filter((column) => column.inTable !== false);
  const compact = useCompactLayout();
  return (
    // On a phone the cards are the frame: a border around bordered cards would be a box in a box.
    <Paper withBorder={!compact} radius="md" bg={compact ? 'transparent' : undefined}>
      <QueryState query={query} isEmpty={(data) => rows(data).length === 0} empty={empty} {...(unavailable ? { unavailable } : {})}>
        {(data) => compact ? (
          <AdminCards rows={rows(data)} rowKey={rowKey} columns={columns} label={label} {...(rowLabel ? { rowLabel } : {})} {...(actions ? { actions } : {})} />
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover verticalSpacing="xs" aria-label={label}>
              <Table.Thead>
                <Table.Tr>
                  {tableColumns.map((column) => <Table.Th key={column.header}>{column.header}</Table.Th>)}
                  {actions && <Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows(data).map((row) => (
                  <Table.Tr key={rowKey(row)}>
                    {tableColumns.map((column) => <Table.Td key={column.header}>{column.cell(row)}</Table.Td>)}
                    {actions && (
                      <Table.Td>
                        <Group gap={4} justify="flex-end" wrap="nowrap">{actions(row)}</Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </Paper>
  );
}

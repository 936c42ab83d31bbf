import { Group, Paper, Table, VisuallyHidden } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { EmptyStateProps } from '../EmptyState.tsx';
import { QueryState } from '../QueryState.tsx';

export interface AdminColumn<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
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
  empty: EmptyStateProps;
  unavailable?: EmptyStateProps;
}

/**
 * The list half of every admin page (users, keys, data sources, rules, webhooks, models):
 * loading / failed / empty states, a named table, row actions on the right, and a
 * horizontal scroll instead of a squeezed table on a phone.
 */
export function AdminTable<Data, Row>({ query, rows, rowKey, columns, label, actions, empty, unavailable }: AdminTableProps<Data, Row>) {
  return (
    <Paper withBorder radius="md">
      <QueryState query={query} isEmpty={(data) => rows(data).length === 0} empty={empty} {...(unavailable ? { unavailable } : {})}>
        {(data) => (
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover verticalSpacing="xs" aria-label={label}>
              <Table.Thead>
                <Table.Tr>
                  {columns.map((column) => <Table.Th key={column.header}>{column.header}</Table.Th>)}
                  {actions && <Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows(data).map((row) => (
                  <Table.Tr key={rowKey(row)}>
                    {columns.map((column) => <Table.Td key={column.header}>{column.cell(row)}</Table.Td>)}
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

import { Box, Group, Paper, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { AdminColumn } from './AdminTable.tsx';

export interface AdminCardsProps<Row> {
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  columns: ReadonlyArray<AdminColumn<Row>>;
  label: string;
  rowLabel?: (row: Row) => string;
  actions?: (row: Row) => ReactNode;
}

/**
 * The admin list on phones and tablets: one card per row, named by the row, each column a
 * term and its value (a description list), the row's actions at the foot where a thumb
 * reaches them. No sideways scrolling.
 */
export function AdminCards<Row>({ rows, rowKey, columns, label, rowLabel, actions }: AdminCardsProps<Row>) {
  const shown = columns.filter((column) => column.inCard !== false);
  return (
    <Stack gap="xs" role="list" aria-label={label}>
      {rows.map((row) => {
        const name = rowLabel?.(row);
        return (
          <Paper key={rowKey(row)} role="listitem" aria-label={name} withBorder radius="md" p="sm">
            {name !== undefined && <Text size="sm" fw={600} mb={6} style={{ overflowWrap: 'anywhere' }}>{name}</Text>}
            <Stack component="dl" gap={6} m={0}>
              {shown.map((column) => (
                <Group key={column.header} gap="xs" wrap="nowrap" align="flex-start">
                  <Text component="dt" size="xs" c="dimmed" w={84} style={{ flexShrink: 0 }}>{column.header}</Text>
                  <Box component="dd" m={0} style={{ minWidth: 0, overflowWrap: 'anywhere' }}>{column.cell(row)}</Box>
                </Group>
              ))}
            </Stack>
            {actions && <Group gap={4} mt="xs" wrap="wrap">{actions(row)}</Group>}
          </Paper>
        );
      })}
    </Stack>
  );
}

import { Fragment } from 'react';
import { Box, Stack, Table, Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import type { ChatCard } from '../../../../shared/api/chatops.ts';

type TableCard = Extract<ChatCard, { kind: 'table' }>;

/** Below this width (the chat on a phone) a table of more than two columns wraps every cell into tall rows. */
const STACK_BELOW_PX = 480;

/**
 * Does a table of `columns` columns read better as one block per row at `width` pixels?
 * An unmeasured width (0: before layout, or no layout at all) keeps the table. Two columns
 * (field and value, as `alert.show` answers) fit a phone as a table.
 */
export function stacksRows(width: number, columns: number): boolean {
  return width > 0 && width < STACK_BELOW_PX && columns > 2;
}

/** A table answer: a table where it fits, one labelled block per row where it would not (a phone). */
export function ChatTableCard({ card }: { card: TableCard }) {
  const { ref, width } = useElementSize();
  return (
    <Box ref={ref}>
      {card.rows.length === 0 ? null : stacksRows(width, card.columns.length) ? <ChatRowList card={card} /> : <ChatTable card={card} />}
    </Box>
  );
}

function ChatTable({ card }: { card: TableCard }) {
  return (
    // A wide answer scrolls sideways in the panel; its viewport takes focus so the keyboard can scroll it too.
    <Table.ScrollContainer minWidth={360} scrollAreaProps={{ viewportProps: { tabIndex: 0, 'aria-label': `${card.title}, scrollable` } }}>
      <Table striped withTableBorder fz="xs" aria-label={card.title}>
        <Table.Thead>
          <Table.Tr>{card.columns.map((c) => <Table.Th key={c}>{c}</Table.Th>)}</Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {card.rows.map((row, i) => (
            <Table.Tr key={i}>{row.map((cell, j) => <Table.Td key={j}>{cell ?? '—'}</Table.Td>)}</Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** One block per row, each cell under its column's name: nothing scrolls sideways, long values wrap. */
export function ChatRowList({ card }: { card: TableCard }) {
  return (
    <Stack component="ul" gap={6} aria-label={card.title} data-testid="chat-card-rows" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {card.rows.map((row, i) => (
        <Box component="li" key={i} p={6} style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-sm)' }}>
          <Box component="dl" m={0} style={{ display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', columnGap: 8, rowGap: 2 }}>
            {card.columns.map((column, j) => (
              <Fragment key={j}>
                <Text component="dt" size="xs" c="dimmed">{column}</Text>
                <Text component="dd" size="xs" m={0} style={{ overflowWrap: 'anywhere' }}>{row[j] ?? '—'}</Text>
              </Fragment>
            ))}
          </Box>
        </Box>
      ))}
    </Stack>
  );
}

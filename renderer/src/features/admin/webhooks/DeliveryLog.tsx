import { Badge, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../platform/PlatformContext.tsx';
import { QueryState } from '../../../components/QueryState.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { alertHref } from '../../alerts/alert-link.ts';
import { adminQueries } from '../queries.ts';

const STATUS_COLOR = { delivered: 'teal', pending: 'yellow', failed: 'red' } as const;

/** The last 50 deliveries of one webhook: what was sent, how often it was tried, what came back. */
export function DeliveryLog({ webhookId }: { webhookId: number }) {
  const api = useApi();
  const deliveries = useQuery(adminQueries.deliveries(api, webhookId));
  return (
    <QueryState query={deliveries} isEmpty={(data) => data.items.length === 0} empty={{ title: 'Nothing sent yet', description: 'Deliveries appear when an alert of the chosen severity fires or resolves. Use Test to try the URL now.' }}>
      {(data) => (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing={4} aria-label="Delivery log">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Queued</Table.Th>
                <Table.Th>Alert</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Answer</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.map((delivery) => (
                <Table.Tr key={delivery.id}>
                  <Table.Td><Text size="xs">{formatDateTime(delivery.createdAt)}</Text></Table.Td>
                  <Table.Td><Text size="xs" component="a" href={alertHref(delivery.alertId)}>#{delivery.alertId} {delivery.event}</Text></Table.Td>
                  <Table.Td><Badge size="sm" variant="light" color={STATUS_COLOR[delivery.status]}>{delivery.status}</Badge></Table.Td>
                  <Table.Td><Text size="xs">{delivery.attempts}</Text></Table.Td>
                  <Table.Td>
                    <Text size="xs" c={delivery.lastError ? 'red' : undefined} style={{ overflowWrap: 'anywhere' }}>
                      {delivery.lastStatusCode !== null ? `HTTP ${delivery.lastStatusCode}` : ''}
                      {delivery.lastError ? ` ${delivery.lastError}` : ''}
                      {delivery.deliveredAt ? ` · ${formatDateTime(delivery.deliveredAt)}` : ''}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </QueryState>
  );
}

import { useState } from 'react';
import { Badge, Button, Code, Group, Modal, Paper, SegmentedControl, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { IconBellOff, IconPlus } from '@tabler/icons-react';
import type { Silence } from '../../../../shared/api/alerts.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCan } from '../../session/permissions.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { formatDateTime } from '../../lib/format.ts';
import { alertQueries } from './queries.ts';
import { SilenceForm } from './SilenceForm.tsx';

/** How long the undo of an expire is offered. */
const UNDO_MS = 10_000;

const STATE_COLOR: Record<Silence['state'], string> = { active: 'teal', pending: 'blue', expired: 'gray' };

export function SilencesView() {
  const api = useApi();
  const queryClient = useQueryClient();
  const canWrite = useCan('silences:write');
  const [state, setState] = useState('active,pending');
  const [creating, setCreating] = useState(false);
  const silences = useQuery(alertQueries.silences(api, { state, limit: 200 }));
  const restore = useMutation({
    mutationFn: (silence: Silence) => api.silences.restore({ params: { id: silence.id }, body: { endsAt: silence.endsAt } }),
    onSuccess: (silence) => {
      notifySuccess(`Silence #${silence.id} restored until ${formatDateTime(silence.endsAt)}`);
      void queryClient.invalidateQueries({ queryKey: ['alerts'] });
    },
    onError: (error) => notifyError('Could not restore the silence', error),
  });
  const expire = useMutation({
    mutationFn: (silence: Silence) => api.silences.expire({ params: { id: silence.id } }),
    // The undo sends back the end the silence had before, so it runs exactly as planned.
    onSuccess: (_expired, before) => {
      const id = `silence-expired-${before.id}`;
      notifications.show({
        id,
        color: 'teal',
        autoClose: UNDO_MS,
        message: (
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">Silence #{before.id} expired</Text>
            <Button size="compact-sm" variant="light" onClick={() => { notifications.hide(id); restore.mutate(before); }}>Undo</Button>
          </Group>
        ),
      });
      void queryClient.invalidateQueries({ queryKey: ['alerts'] });
    },
    onError: (error) => notifyError('Could not expire the silence', error),
  });

  return (
    <>
      <PageHeader
        title="Silences"
        description="Matching alerts are kept and shown, but nobody is notified."
        actions={canWrite && <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>New silence</Button>}
      />
      <SegmentedControl mb="md" aria-label="Silence state" value={state} onChange={setState} data={[{ value: 'active,pending', label: 'Active' }, { value: 'expired', label: 'Expired' }]} />
      <Paper withBorder radius="md">
        <QueryState
          query={silences}
          isEmpty={(data) => data.items.length === 0}
          empty={{ title: 'No silences', description: 'Silence an alert from its menu, or create one here.', icon: <IconBellOff size={24} /> }}
          unavailable={{ title: 'Silences are not available on this server' }}
        >
          {(data) => (
            <Table verticalSpacing={6} aria-label="Silences">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Matchers</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Until</Table.Th>
                  <Table.Th>By</Table.Th>
                  <Table.Th>Why</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((silence) => (
                  <Table.Tr key={silence.id}>
                    <Table.Td>
                      <Group gap={4}>{silence.matchers.map((m, i) => <Code key={i}>{`${m.name}${m.op}"${m.value}"`}</Code>)}</Group>
                    </Table.Td>
                    <Table.Td><Badge color={STATE_COLOR[silence.state]} variant="light">{silence.state}</Badge></Table.Td>
                    <Table.Td><Text size="sm">{formatDateTime(silence.endsAt)}</Text></Table.Td>
                    <Table.Td><Text size="sm">{silence.expiredBy ? `${silence.createdBy} (ended by ${silence.expiredBy})` : silence.createdBy}</Text></Table.Td>
                    <Table.Td><Text size="sm" lineClamp={2}>{silence.comment}</Text></Table.Td>
                    <Table.Td ta="right">
                      {canWrite && silence.state !== 'expired' && (
                        <Button size="xs" variant="subtle" color="red" onClick={() => expire.mutate(silence)} aria-label={`Expire silence ${silence.id}`}>Expire</Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryState>
      </Paper>
      <Modal opened={creating} onClose={() => setCreating(false)} title="New silence" size="lg">
        {creating && <SilenceForm initialMatchers={[]} onDone={() => setCreating(false)} />}
      </Modal>
    </>
  );
}

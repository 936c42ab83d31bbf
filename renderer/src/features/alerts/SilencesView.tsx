import { useState } from 'react';
import { Badge, Button, Code, Group, Modal, SegmentedControl, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { IconBellOff, IconPlus } from '@tabler/icons-react';
import type { Silence } from '../../../../shared/api/alerts.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCan } from '../../session/permissions.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AdminTable, type AdminColumn } from '../../components/admin/AdminTable.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { formatDateTime } from '../../lib/format.ts';
import { alertQueries } from './queries.ts';
import { SilenceForm } from './SilenceForm.tsx';

/** How long the undo of an expire is offered. */
const UNDO_MS = 10_000;

const STATE_COLOR: Record<Silence['state'], string> = { active: 'teal', pending: 'blue', expired: 'gray' };

const COLUMNS: ReadonlyArray<AdminColumn<Silence>> = [
  { header: 'Matchers', cell: (silence) => <Group gap={4}>{silence.matchers.map((m, i) => <Code key={i}>{`${m.name}${m.op}"${m.value}"`}</Code>)}</Group> },
  { header: 'State', cell: (silence) => <Badge color={STATE_COLOR[silence.state]} variant="light">{silence.state}</Badge> },
  { header: 'Until', cell: (silence) => <Text size="sm">{formatDateTime(silence.endsAt)}</Text> },
  { header: 'By', cell: (silence) => <Text size="sm">{silence.expiredBy ? `${silence.createdBy} (ended by ${silence.expiredBy})` : silence.createdBy}</Text> },
  // The card's title already quotes the reason.
  { header: 'Why', cell: (silence) => <Text size="sm" lineClamp={2}>{silence.comment}</Text>, inCard: false },
];

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

  const expireButton = (silence: Silence) => silence.state !== 'expired' && (
    <Button size="xs" variant="subtle" color="red" onClick={() => expire.mutate(silence)} aria-label={`Expire silence ${silence.id}`}>Expire</Button>
  );

  return (
    <>
      <PageHeader
        title="Silences"
        description="Matching alerts are kept and shown, but nobody is notified."
        actions={canWrite && <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>New silence</Button>}
      />
      <SegmentedControl mb="md" aria-label="Silence state" value={state} onChange={setState} data={[{ value: 'active,pending', label: 'Active' }, { value: 'expired', label: 'Expired' }]} />
      {/* A table on a wide screen, one card per silence on a phone: six columns do not fit 390 px. */}
      <AdminTable
        query={silences}
        rows={(data) => data.items}
        rowKey={(silence) => silence.id}
        columns={COLUMNS}
        label="Silences"
        rowLabel={(silence) => `Silence #${silence.id}: ${silence.comment}`}
        {...(canWrite ? { actions: expireButton } : {})}
        empty={{ title: 'No silences', description: 'Silence an alert from its menu, or create one here.', icon: <IconBellOff size={24} /> }}
        unavailable={{ title: 'Silences are not available on this server' }}
      />
      <Modal opened={creating} onClose={() => setCreating(false)} title="New silence" size="lg">
        {creating && <SilenceForm initialMatchers={[]} onDone={() => setCreating(false)} />}
      </Modal>
    </>
  );
}

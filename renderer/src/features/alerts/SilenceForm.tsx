import { useState, type FormEvent } from 'react';
import { ActionIcon, Button, Group, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { MATCHER_OPS, type Matcher, type MatcherOp } from '../../../../shared/api/alerts.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { SilencePreview } from './SilencePreview.tsx';

const DURATIONS = [
  { value: '1800', label: '30 minutes' },
  { value: '3600', label: '1 hour' },
  { value: '14400', label: '4 hours' },
  { value: '86400', label: '1 day' },
  { value: '604800', label: '1 week' },
];

/** Labels that identify one alert too narrowly to be useful in a silence. */
const VOLATILE = new Set(['fingerprint']);

export function matchersFromLabels(labels: Record<string, string>): Matcher[] {
  return Object.entries(labels)
    .filter(([name]) => !VOLATILE.has(name))
    .map(([name, value]) => ({ name, op: '=' as const, value }));
}

export function SilenceForm({ initialMatchers, onDone }: { initialMatchers: Matcher[]; onDone: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [matchers, setMatchers] = useState<Matcher[]>(initialMatchers.length ? initialMatchers : [{ name: '', op: '=', value: '' }]);
  const [duration, setDuration] = useState('3600');
  const [comment, setComment] = useState('');
  const create = useMutation({
    mutationFn: () => api.silences.create({ body: { matchers: matchers.filter((m) => m.name), durationSeconds: Number(duration), comment: comment.trim() } }),
    onSuccess: () => {
      notifySuccess('Silence created');
      void queryClient.invalidateQueries({ queryKey: ['alerts'] });
      onDone();
    },
    onError: (error) => notifyError('Could not create the silence', error),
  });
  const set = (index: number, change: Partial<Matcher>) => setMatchers((list) => list.map((m, i) => (i === index ? { ...m, ...change } : m)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <form onSubmit={submit} aria-label="New silence">
      <Stack>
        <Text size="sm" c="dimmed">Alerts whose labels match every line are kept but not notified.</Text>
        {matchers.map((matcher, i) => (
          <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
            <TextInput label={i === 0 ? 'Label' : undefined} aria-label={`Matcher ${i + 1} label`} value={matcher.name} onChange={(e) => set(i, { name: e.currentTarget.value })} style={{ flex: 1 }} />
            <Select aria-label={`Matcher ${i + 1} operator`} label={i === 0 ? 'Op' : undefined} data={[...MATCHER_OPS]} value={matcher.op} allowDeselect={false} onChange={(op) => op && set(i, { op: op as MatcherOp })} w={80} />
            <TextInput label={i === 0 ? 'Value' : undefined} aria-label={`Matcher ${i + 1} value`} value={matcher.value} onChange={(e) => set(i, { value: e.currentTarget.value })} style={{ flex: 1 }} />
            <ActionIcon variant="subtle" color="gray" size="lg" aria-label={`Remove matcher ${i + 1}`} onClick={() => setMatchers((list) => list.filter((_, j) => j !== i))} disabled={matchers.length === 1}>
              <IconX size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => setMatchers((list) => [...list, { name: '', op: '=', value: '' }])} w="fit-content">
          Add matcher
        </Button>
        <SilencePreview matchers={matchers} />
        <Select label="For" data={DURATIONS} value={duration} allowDeselect={false} onChange={(value) => value && setDuration(value)} />
        <Textarea label="Why" required placeholder="Planned maintenance of db-2" value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>Cancel</Button>
          <Button type="submit" loading={create.isPending} disabled={!matchers.some((m) => m.name)}>Silence</Button>
        </Group>
      </Stack>
    </form>
  );
}

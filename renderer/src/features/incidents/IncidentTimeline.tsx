import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, Group, Paper, Stack, Text, Textarea, ThemeIcon, Timeline, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconCheck, IconMessage, IconPoint, IconRefreshAlert, IconSparkles, IconUserStar } from '@tabler/icons-react';
import type { TimelineEntry, TimelineKind } from '../../../../shared/api/incidents.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCan } from '../../session/permissions.ts';
import { QueryState } from '../../components/QueryState.tsx';
import { notifyError } from '../../components/notify.ts';
import { formatDateTime } from '../../lib/format.ts';
import { incidentQueries } from './queries.ts';
import { NoteEntry } from './NoteEntry.tsx';

function bullet(kind: TimelineKind) {
  if (kind === 'note') return <IconMessage size={12} />;
  if (kind === 'alert_firing' || kind === 'incident_opened') return <IconAlertTriangle size={12} />;
  if (kind === 'alert_resolved' || kind === 'alert_acknowledged') return <IconCheck size={12} />;
  if (kind === 'anomaly') return <IconSparkles size={12} />;
  if (kind === 'reopened') return <IconRefreshAlert size={12} />;
  if (kind === 'commander_changed') return <IconUserStar size={12} />;
  return <IconPoint size={12} />;
}

function color(kind: TimelineKind): string {
  if (kind === 'alert_firing' || kind === 'incident_opened' || kind === 'reopened') return 'red';
  if (kind === 'anomaly') return 'orange';
  if (kind === 'note') return 'signal';
  if (kind === 'alert_resolved') return 'teal';
  return 'gray';
}

/**
 * An incident's timeline entries, each with its kind's icon; `note` draws a note (editable on
 * the incident page, read-only in an imported capsule), the other kinds are text.
 */
export function TimelineEntries({ entries, note }: { entries: readonly TimelineEntry[]; note: (entry: TimelineEntry) => ReactNode }) {
  return (
    <Timeline bulletSize={22} lineWidth={2} aria-label="Incident timeline">
      {entries.map((entry) => (
        <Timeline.Item key={entry.id} bullet={<ThemeIcon size={22} radius="xl" color={color(entry.kind)} variant="light">{bullet(entry.kind)}</ThemeIcon>}>
          {entry.kind === 'note' ? (
            note(entry)
          ) : (
            <>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{entry.text}</Text>
              <Text size="xs" c="dimmed">{formatDateTime(entry.ts)} · {entry.actor}</Text>
            </>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

export function IncidentTimeline({ incidentId }: { incidentId: number }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const canWrite = useCan('incidents:write');
  const timeline = useQuery(incidentQueries.timeline(api, incidentId));
  const [note, setNote] = useState('');
  const addNote = useMutation({
    mutationFn: () => api.incidents.addNote({ params: { id: incidentId }, body: { text: note.trim() } }),
    onSuccess: (entry: TimelineEntry) => {
      setNote('');
      queryClient.setQueryData(incidentQueries.timeline(api, incidentId).queryKey, (data) => (data ? [...data, entry] : data));
      void queryClient.invalidateQueries({ queryKey: ['incidents', 'timeline', incidentId] });
    },
    onError: (error) => notifyError('Could not add the note', error),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (note.trim()) addNote.mutate();
  };

  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} size="h5" mb="sm">Timeline</Title>
      <QueryState query={timeline} isEmpty={(data) => data.length === 0} empty={{ title: 'Nothing recorded yet' }}>
        {(data) => (
          <TimelineEntries entries={data} note={(entry) => <NoteEntry entry={entry} />} />
        )}
      </QueryState>
      {canWrite && (
        <form onSubmit={submit} aria-label="Add a note">
          <Stack gap="xs" mt="md">
            <Textarea label="Add a note" description="Markdown: **bold**, `code`, lists, links" placeholder="What you saw, what you tried, what you decided" autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            <Group justify="flex-end">
              <Button type="submit" size="xs" loading={addNote.isPending} disabled={!note.trim()}>Add note</Button>
            </Group>
          </Stack>
        </form>
      )}
    </Paper>
  );
}

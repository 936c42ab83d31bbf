import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TimelineEntry } from '../../../../shared/api/incidents.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCurrentUser } from '../../session/SessionProvider.tsx';
import { useCan } from '../../session/permissions.ts';
import { QueryState } from '../../components/QueryState.tsx';
import { SafeMarkdown } from '../../components/markdown/SafeMarkdown.tsx';
import { notifyError } from '../../components/notify.ts';
import { formatDateTime } from '../../lib/format.ts';
import { incidentQueries } from './queries.ts';
import { isNoteAuthor } from '../../../../shared/incidents/note-author.ts';

/**
 * A note in the timeline: Markdown rendered safely; its author may edit or delete it, and
 * anyone may read what it said before (the server keeps every replaced text).
 */
export function NoteEntry({ entry }: { entry: TimelineEntry }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const user = useCurrentUser();
  const canWrite = useCan('incidents:write');
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(entry.text);
  const [historyOpen, setHistoryOpen] = useState(false);
  const mine = canWrite && user !== null && isNoteAuthor(entry, { userId: user.id, name: user.username, kind: 'user' }) && entry.deletedAt === null;
  const refresh = (updated: TimelineEntry) => {
    queryClient.setQueryData(incidentQueries.timeline(api, entry.incidentId).queryKey, (data) => data?.map((item) => (item.id === updated.id ? updated : item)));
    void queryClient.invalidateQueries({ queryKey: ['incidents', 'timeline', entry.incidentId] });
    void queryClient.invalidateQueries({ queryKey: ['incidents', 'revisions', entry.id] });
  };
  const save = useMutation({
    mutationFn: () => api.incidents.editNote({ params: { id: entry.incidentId, entryId: entry.id }, body: { text: draft.trim() } }),
    onSuccess: (updated) => {
      refresh(updated);
      setEditing(false);
    },
    onError: (error) => notifyError('Could not save the note', error),
  });
  const remove = useMutation({
    mutationFn: () => api.incidents.deleteNote({ params: { id: entry.incidentId, entryId: entry.id } }),
    onSuccess: refresh,
    onError: (error) => notifyError('Could not delete the note', error),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim() && draft.trim() !== entry.text) save.mutate();
    else setEditing(false);
  };

  return (
    <Stack gap={2} data-testid={`note-${entry.id}`}>
      {editing ? (
        <form onSubmit={submit} aria-label={`Edit note ${entry.id}`}>
          <Stack gap="xs">
            <Textarea label="Note (Markdown)" autosize minRows={2} value={draft} onChange={(e) => setDraft(e.currentTarget.value)} data-autofocus />
            <Group gap="xs" justify="flex-end">
              <Button size="xs" variant="default" onClick={() => { setDraft(entry.text); setEditing(false); }}>Cancel</Button>
              <Button size="xs" type="submit" loading={save.isPending} disabled={!draft.trim()}>Save</Button>
            </Group>
          </Stack>
        </form>
      ) : entry.deletedAt !== null ? (
        <Text size="sm" fs="italic" c="dimmed">Note deleted by {entry.deletedBy ?? 'someone'} {formatDateTime(entry.deletedAt)}</Text>
      ) : (
        <SafeMarkdown source={entry.text} />
      )}
      <Group gap={6} wrap="wrap">
        <Text size="xs" c="dimmed">
          {formatDateTime(entry.ts)} · {entry.actor}
          {entry.editedAt ? ` · edited ${formatDateTime(entry.editedAt)}` : ''}
        </Text>
        {mine && !editing && (
          <>
            <Button size="compact-xs" variant="subtle" onClick={() => { setDraft(entry.text); setEditing(true); }} aria-label={`Edit note ${entry.id}`}>Edit</Button>
            <Button size="compact-xs" variant="subtle" color="red" loading={remove.isPending} onClick={() => remove.mutate()} aria-label={`Delete note ${entry.id}`}>Delete</Button>
          </>
        )}
        {entry.revisionCount > 0 && (
          <Button size="compact-xs" variant="subtle" onClick={() => setHistoryOpen(true)} aria-label={`${entry.revisionCount} revision${entry.revisionCount === 1 ? '' : 's'} of note ${entry.id}`}>
            {entry.revisionCount} revision{entry.revisionCount === 1 ? '' : 's'}
          </Button>
        )}
      </Group>
      <Modal opened={historyOpen} onClose={() => setHistoryOpen(false)} title="Note history" size="lg">
        {historyOpen && <NoteRevisions entry={entry} />}
      </Modal>
    </Stack>
  );
}

/** Newest first: the current text, then each text it replaced, with who replaced it and when. */
function NoteRevisions({ entry }: { entry: TimelineEntry }) {
  const api = useApi();
  const revisions = useQuery({
    queryKey: ['incidents', 'revisions', entry.id],
    queryFn: () => api.incidents.noteRevisions({ params: { id: entry.incidentId, entryId: entry.id } }),
  });
  return (
    <QueryState query={revisions}>
      {(data) => (
        <Stack gap="md" component="ol" aria-label="Revisions" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {entry.deletedAt === null && (
            <Stack gap={4} component="li">
              <Text size="xs" fw={700}>Current{entry.editedAt ? ` · since ${formatDateTime(entry.editedAt)}` : ''}</Text>
              <SafeMarkdown source={entry.text} />
            </Stack>
          )}
          {[...data].reverse().map((revision) => (
            <Stack gap={4} component="li" key={revision.id}>
              <Text size="xs" fw={700}>
                {revision.change === 'edit' ? 'Replaced' : 'Deleted'} {formatDateTime(revision.replacedAt)} by {revision.replacedBy}
              </Text>
              <SafeMarkdown source={revision.text} />
            </Stack>
          ))}
        </Stack>
      )}
    </QueryState>
  );
}

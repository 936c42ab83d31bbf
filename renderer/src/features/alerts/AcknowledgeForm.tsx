import { useState, type FormEvent } from 'react';
import { Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Alert } from '../../../../shared/api/alerts.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { alertTitle } from './alert-text.ts';

/** What a notification's acknowledgement says unless the engineer writes something else. */
export const QUICK_ACK_COMMENT = 'Acknowledged from the notification';

/**
 * Acknowledges one or many alerts with one comment; partial failures are reported, not hidden.
 * `quick` (opened from a notification): the comment is filled in and the Acknowledge button
 * has the focus, so one Enter acknowledges; Tab back to the comment to write more.
 */
export function AcknowledgeForm({ alerts, onDone, quick = false }: { alerts: Alert[]; onDone: () => void; quick?: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState(quick ? QUICK_ACK_COMMENT : '');
  const ack = useMutation({
    mutationFn: async () => {
      const results = await Promise.allSettled(alerts.map((alert) => api.alerts.acknowledge({ params: { id: alert.id }, body: { comment: comment.trim() } })));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length === alerts.length && failed[0]) throw failed[0].reason;
      return { done: alerts.length - failed.length, failed: failed.length };
    },
    onSuccess: ({ done, failed }) => {
      notifySuccess(failed ? `${done} acknowledged, ${failed} failed` : `${done} alert${done === 1 ? '' : 's'} acknowledged`);
      void queryClient.invalidateQueries({ queryKey: ['alerts'] });
      void queryClient.invalidateQueries({ queryKey: ['overview'] });
      onDone();
    },
    onError: (error) => notifyError('Could not acknowledge', error),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    ack.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Acknowledge alerts">
      <Stack>
        <Text size="sm">{alerts.length === 1 ? `You take ownership of ${alertTitle(alerts[0] as Alert)}.` : `You take ownership of ${alerts.length} alerts.`}</Text>
        <Textarea label="Comment" required data-autofocus={quick ? undefined : true} placeholder="Looking into it" value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>Cancel</Button>
          <Button type="submit" loading={ack.isPending} data-autofocus={quick ? true : undefined}>Acknowledge</Button>
        </Group>
      </Stack>
    </form>
  );
}

import { Button, Group, Stack, Text } from '@mantine/core';
import { useId } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Run } from '../../../../shared/api/runbooks.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { useCurrentUser } from '../../session/SessionProvider.tsx';
import { isOwnRequest } from '../../../../shared/runbooks/own-request.ts';

/**
 * Approve or reject a waiting run; your own request can only be rejected (withdrawn).
 * Why Approve is greyed out for the requester is written beside it, not in a `title`: a
 * disabled button gets no hover (and a phone has none), so a tooltip was never seen.
 */
export function DecisionButtons({ run }: { run: Run }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const user = useCurrentUser();
  const own = isOwnRequest(run, user?.username);
  const reasonId = useId();
  const done = (verb: string) => (updated: Run) => {
    notifySuccess(`Run #${updated.id} ${verb}: ${updated.state.replace('_', ' ')}`);
    void queryClient.invalidateQueries({ queryKey: ['runbooks'] });
  };
  const approve = useMutation({ mutationFn: () => api.runbooks.approve({ params: { id: run.id }, body: {} }), onSuccess: done('approved'), onError: (error) => notifyError('Approval refused', error) });
  const reject = useMutation({ mutationFn: () => api.runbooks.reject({ params: { id: run.id }, body: {} }), onSuccess: done('rejected'), onError: (error) => notifyError('Rejection refused', error) });
  return (
    <Stack gap={4} align="flex-start">
      <Group gap="xs" wrap="nowrap">
        <Button size="xs" color="teal" onClick={() => approve.mutate()} loading={approve.isPending} disabled={own} aria-describedby={own ? reasonId : undefined}>Approve</Button>
        <Button size="xs" variant="default" onClick={() => reject.mutate()} loading={reject.isPending}>{own ? 'Withdraw' : 'Reject'}</Button>
      </Group>
      {own && <Text id={reasonId} size="xs" c="dimmed">Another person must approve your request</Text>}
    </Stack>
  );
}

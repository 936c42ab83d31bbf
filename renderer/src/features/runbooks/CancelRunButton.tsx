import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CANCELLABLE_RUN_STATES, type Run } from '../../../../shared/api/runbooks.ts';
import { hasPermission, roleAtLeast, type Role } from '../../../../shared/auth/permissions.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { useCurrentUser } from '../../session/SessionProvider.tsx';

/** Why this user may not cancel the run (the server's rule: `runbooks:run` and the runbook's `safety.role`), or null. */
export function cannotCancel(role: Role | undefined, run: Run): string | null {
  const needs = run.plan.safety.role;
  if (!role || !hasPermission(role, 'runbooks:run') || !roleAtLeast(role, needs)) return `Cancelling this run needs the ${needs} role`;
  return null;
}

/**
 * "Cancel run" on a run that can still be stopped (waiting, queued or running), behind a
 * confirmation: a mis-click must not stop a remediation. For a role that may not, the button
 * is greyed out with the reason written under it (a disabled button shows no tooltip).
 */
export function CancelRunButton({ run }: { run: Run }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const user = useCurrentUser();
  const [opened, dialog] = useDisclosure(false);
  const [reason, setReason] = useState('');
  const reasonId = useId();
  const cancel = useMutation({
    mutationFn: () => api.runbooks.cancel({ params: { id: run.id }, body: reason.trim() ? { reason: reason.trim() } : {} }),
    onSuccess: (updated) => {
      dialog.close();
      notifySuccess(updated.state === 'cancelled' ? `Run #${updated.id} cancelled` : `Run #${updated.id}: cancel asked, its step is being stopped`);
      void queryClient.invalidateQueries({ queryKey: ['runbooks'] });
    },
    onError: (error) => notifyError('Cancel refused', error),
  });
  if (!CANCELLABLE_RUN_STATES.includes(run.state)) return null;
  const refused = cannotCancel(user?.role, run);
  const asked = run.cancelRequestedBy !== null;
  return (
    <Stack gap={4} align="flex-start">
      <Button size="xs" color="red" variant="light" onClick={dialog.open} disabled={refused !== null || asked} aria-describedby={refused || asked ? reasonId : undefined}>
        Cancel run
      </Button>
      {(refused || asked) && <Text id={reasonId} size="xs" c="dimmed">{refused ?? `Cancel asked by ${run.cancelRequestedBy}; the step is being stopped`}</Text>}
      <Modal opened={opened} onClose={dialog.close} title={`Cancel run #${run.id}?`}>
        <Stack>
          <Text size="sm">
            {run.state === 'running'
              ? 'The step running now is stopped (its processes killed) and no further step runs, not even the rollback.'
              : 'The run ends now and will not start.'}
          </Text>
          <Textarea label="Reason (optional)" value={reason} onChange={(event) => setReason(event.currentTarget.value)} maxLength={4096} rows={2} />
          <Group justify="flex-end">
            <Button variant="default" onClick={dialog.close}>Don't cancel</Button>
            <Button color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>Cancel run</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

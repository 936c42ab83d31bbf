import { Badge } from '@mantine/core';
import type { RunState } from '../../../../shared/api/runbooks.ts';

const COLORS: Record<RunState, string> = {
  pending_approval: 'yellow',
  queued: 'blue',
  running: 'blue',
  succeeded: 'teal',
  failed: 'red',
  rolled_back: 'orange',
  rejected: 'gray',
  blocked: 'grape',
  interrupted: 'red',
  expired: 'gray',
  cancelled: 'gray',
};

export function RunStateBadge({ state }: { state: RunState }) {
  return <Badge variant="light" color={COLORS[state]} data-testid="run-state">{state.replace('_', ' ')}</Badge>;
}

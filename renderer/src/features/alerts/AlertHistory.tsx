import { Text, Timeline } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../platform/PlatformContext.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { alertQueries } from './queries.ts';

export function AlertHistory({ alertId }: { alertId: number }) {
  const api = useApi();
  const history = useQuery(alertQueries.history(api, alertId));
  return (
    <QueryState query={history} isEmpty={(data) => data.length === 0} empty={{ title: 'No history yet' }}>
      {(data) => (
        <Timeline bulletSize={14} lineWidth={2} active={data.length}>
          {data.map((entry) => (
            <Timeline.Item key={entry.id} title={`${entry.fromState ?? 'new'} → ${entry.toState}`}>
              <Text size="xs" c="dimmed">{formatDateTime(entry.ts)} · {entry.actor}</Text>
              {entry.comment && <Text size="sm">{entry.comment}</Text>}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </QueryState>
  );
}

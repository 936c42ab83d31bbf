import { Anchor, Group, Paper, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Matcher } from '../../../../shared/api/alerts.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { alertHref } from './alert-link.ts';
import { alertTitle } from './alert-text.ts';
import { SeverityBadge } from './SeverityBadge.tsx';

const LISTED = 8;

/** Before a silence is created: the unresolved alerts its matchers would silence right now. */
export function SilencePreview({ matchers }: { matchers: Matcher[] }) {
  const api = useApi();
  const complete = matchers.filter((matcher) => matcher.name.trim() !== '');
  const [debounced] = useDebouncedValue(complete, 400);
  const preview = useQuery({
    queryKey: ['alerts', 'silence-preview', debounced],
    queryFn: () => api.silences.preview({ body: { matchers: debounced } }),
    enabled: debounced.length > 0,
    placeholderData: keepPreviousData,
    retry: false,
  });
  if (complete.length === 0) return <Text size="sm" c="dimmed">Add a matcher to see which alerts it would silence.</Text>;
  return (
    <Paper withBorder radius="md" p="sm" data-testid="silence-preview" aria-live="polite">
      <QueryState query={preview} skeletonRows={2}>
        {(data) => (
          <Stack gap={4}>
            <Text size="sm" fw={600} data-testid="silence-preview-count">
              {data.total === 0 ? 'Matches no alert that is firing or acknowledged now.' : `Would silence ${data.total} alert${data.total === 1 ? '' : 's'} now`}
            </Text>
            {data.alerts.slice(0, LISTED).map((alert) => (
              <Group key={alert.id} gap="xs" wrap="nowrap">
                <SeverityBadge severity={alert.severity} />
                <Anchor href={alertHref(alert.id)} size="sm" truncate>{alertTitle(alert)}</Anchor>
              </Group>
            ))}
            {data.total > LISTED && <Text size="xs" c="dimmed">and {data.total - LISTED} more</Text>}
          </Stack>
        )}
      </QueryState>
    </Paper>
  );
}

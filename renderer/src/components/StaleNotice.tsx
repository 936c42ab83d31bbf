import { Alert, Button, Code, Group, Text } from '@mantine/core';
import { IconClockExclamation, IconRefresh } from '@tabler/icons-react';
import { toAppError } from '../platform/to-app-error.ts';
import { formatAge, formatDateTime, formatTime } from '../lib/format.ts';

export interface StaleNoticeProps {
  /** Why the last refresh failed. */
  error: unknown;
  /** When the data on screen was loaded (TanStack Query's `dataUpdatedAt`). */
  updatedAt: number;
  onRetry: () => void;
  retrying: boolean;
  /** The moment "now" is, for the age (a test's clock). */
  now?: number;
}

/** Within this the time alone says when; older copies also say the day. */
const SAME_DAY_MS = 12 * 3_600_000;

/**
 * Said above data kept from an earlier answer when asking again failed: a server gone away
 * left the last list on screen, unchanged and unmarked, and at 3 am "nothing new" read as
 * "all quiet". What failed, since when the copy dates, and a retry.
 */
export function StaleNotice({ error, updatedAt, onRetry, retrying, now = Date.now() }: StaleNoticeProps) {
  const appError = toAppError(error);
  const when = now - updatedAt < SAME_DAY_MS ? formatTime(updatedAt) : formatDateTime(updatedAt);
  return (
    <Alert color="orange" variant="light" icon={<IconClockExclamation size={18} />} role="status" aria-label="Not up to date" mb="sm" p="xs" data-testid="stale-notice">
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Text size="sm" style={{ flex: '1 1 16rem', minWidth: 0 }}>
          <Text span fw={600} inherit>Not up to date:</Text> the refresh failed ({appError.message} <Code>{appError.code}</Code>). This is what was loaded at{' '}
          <time dateTime={new Date(updatedAt).toISOString()}>{when}</time> ({formatAge(now - updatedAt)} ago).
        </Text>
        <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} loading={retrying} onClick={onRetry}>Retry</Button>
      </Group>
    </Alert>
  );
}

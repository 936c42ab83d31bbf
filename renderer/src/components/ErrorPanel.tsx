import { Alert, Button, Code, Group, Text } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import { toAppError } from '../platform/to-app-error.ts';
import { adviceFor } from './error-advice.ts';

export interface ErrorPanelProps {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}

/** Every failure shows its catalogue code and a way forward; never a blank panel. */
export function ErrorPanel({ error, title = 'Could not load this', onRetry }: ErrorPanelProps) {
  const appError = toAppError(error);
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={title} role="alert">
      <Text size="sm">{appError.message}</Text>
      <Text size="sm" c="dimmed" mt={4}>{adviceFor(appError.code)}</Text>
      <Group mt="sm" gap="sm">
        <Code>{appError.code}</Code>
        {onRetry && (
          <Button size="xs" variant="light" color="red" leftSection={<IconRefresh size={14} />} onClick={onRetry}>
            Retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}

import { Stack, Text, ThemeIcon } from '@mantine/core';
import { IconInbox } from '@tabler/icons-react';
import type { ReactNode } from 'react';

export interface EmptyStateProps {
  title: string;
  description?: ReactNode;
  icon?: ReactNode;
  action?: ReactNode;
}

export function EmptyState({ title, description, icon, action }: EmptyStateProps) {
  return (
    <Stack align="center" gap={6} py="xl" data-testid="empty-state">
      <ThemeIcon variant="light" size={44} radius="xl" color="gray">
        {icon ?? <IconInbox size={24} />}
      </ThemeIcon>
      <Text fw={600}>{title}</Text>
      {description && <Text size="sm" c="dimmed" ta="center" maw={460}>{description}</Text>}
      {action}
    </Stack>
  );
}

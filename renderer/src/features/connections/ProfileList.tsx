import { ActionIcon, Badge, Group, Paper, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import type { ConnectionList, ConnectionProfile } from '../../../../shared/ipc/channels/connections.ts';

export interface ProfileListProps {
  list: ConnectionList;
  onSelect(profile: ConnectionProfile): void;
  onRemove(profile: ConnectionProfile): void;
}

export function ProfileList({ list, onSelect, onRemove }: ProfileListProps) {
  return (
    <Stack gap="xs">
      {list.profiles.map((profile) => (
        <Paper key={profile.id} withBorder p="sm" radius="md">
          <Group justify="space-between" wrap="nowrap">
            <UnstyledButton onClick={() => onSelect(profile)} style={{ flex: 1 }}>
              <Group gap="xs">
                <Text fw={600}>{profile.name}</Text>
                {profile.id === list.activeId && <Badge size="sm" variant="light">active</Badge>}
                {profile.storedSecrets.length > 0 && <Badge size="sm" color="gray" variant="outline">signed in before</Badge>}
              </Group>
              <Text size="sm" c="dimmed">{profile.url}</Text>
            </UnstyledButton>
            <Tooltip label="Remove this server and its stored credentials">
              <ActionIcon variant="subtle" color="red" aria-label={`Remove ${profile.name}`} onClick={() => onRemove(profile)}>
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}

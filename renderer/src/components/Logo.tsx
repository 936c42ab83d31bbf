import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconActivityHeartbeat } from '@tabler/icons-react';

/** The mark and the name (the header leaves both out on phones, where its controls need the room). */
export function Logo({ size = 'md' }: { size?: 'md' | 'lg' }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={size === 'lg' ? 36 : 28} radius="md" variant="gradient" gradient={{ from: 'signal.7', to: 'indigo.6', deg: 135 }} aria-hidden>
        <IconActivityHeartbeat size={size === 'lg' ? 22 : 18} />
      </ThemeIcon>
      <Text fw={700} size={size === 'lg' ? 'xl' : 'md'}>SmartCloudOps</Text>
    </Group>
  );
}

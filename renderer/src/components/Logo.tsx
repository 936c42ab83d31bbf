import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconActivityHeartbeat } from '@tabler/icons-react';

/** `textVisibleFrom`: the header hides the name on phones, where the status badges need the room. */
export function Logo({ size = 'md', textVisibleFrom }: { size?: 'md' | 'lg'; textVisibleFrom?: 'xs' }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={size === 'lg' ? 36 : 28} radius="md" variant="gradient" gradient={{ from: 'signal.7', to: 'indigo.6', deg: 135 }} aria-hidden>
        <IconActivityHeartbeat size={size === 'lg' ? 22 : 18} />
      </ThemeIcon>
      <Text fw={700} size={size === 'lg' ? 'xl' : 'md'} visibleFrom={textVisibleFrom}>SmartCloudOps</Text>
    </Group>
  );
}

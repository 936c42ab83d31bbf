import { Box, ColorSwatch, Group, Paper, Text } from '@mantine/core';

export interface TooltipRow {
  key: string;
  label: string;
  color: string;
  value: number;
  /** The value with its unit, as shown. */
  text: string;
}

const WIDTH = 280;

/** Values under the cursor, highest first; flips to the left near the right edge. */
export function ChartTooltip({ left, containerWidth, time, rows, more }: { left: number; containerWidth: number; time: string; rows: TooltipRow[]; more: number }) {
  const x = left + 12 + WIDTH > containerWidth ? left - 12 - WIDTH : left + 12;
  return (
    <Paper shadow="md" withBorder p={8} radius="sm" style={{ position: 'absolute', top: 8, left: Math.max(0, x), width: WIDTH, pointerEvents: 'none', zIndex: 2 }}>
      <Text size="xs" fw={600} mb={4}>{time}</Text>
      {rows.map((row) => (
        <Group key={row.key} gap={6} wrap="nowrap" justify="space-between">
          <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
            <ColorSwatch color={row.color} size={8} withShadow={false} />
            <Text size="xs" truncate>{row.label}</Text>
          </Group>
          <Text size="xs" ff="monospace" fw={600}>{row.text}</Text>
        </Group>
      ))}
      {more > 0 && <Box mt={2}><Text size="xs" c="dimmed">and {more} more</Text></Box>}
    </Paper>
  );
}

import { ColorSwatch, Group, Text } from '@mantine/core';
import { seriesColor } from '../../components/chart/palette.ts';
import { seriesTitle, type SeriesData } from './series-data.ts';

const SHOWN = 12;

export function SeriesLegend({ series }: { series: readonly SeriesData[] }) {
  return (
    <Group gap="sm" style={{ flex: 1 }} aria-label="Legend">
      {series.slice(0, SHOWN).map((one, i) => (
        <Group key={one.id} gap={4} wrap="nowrap">
          <ColorSwatch color={seriesColor(i)} size={10} withShadow={false} />
          <Text size="xs" ff="monospace" className="sco-wrap-anywhere">{seriesTitle(one)}</Text>
        </Group>
      ))}
      {series.length > SHOWN && <Text size="xs" c="dimmed">+{series.length - SHOWN} more</Text>}
    </Group>
  );
}

import { Badge, Progress, Table, Text } from '@mantine/core';
import type { AnomalyExplanation } from '../../../../shared/api/anomaly.ts';
import { formatUnit, unitOfExpression } from '../../../../shared/metrics/units.ts';

const STATUS_COLOR = { above: 'red', below: 'blue', normal: 'gray' } as const;

/** Which metrics moved, how far from their baseline, and how much each explains the anomaly. */
export function ExplanationTable({ explanation }: { explanation: AnomalyExplanation }) {
  const metrics = [...explanation.metrics].sort((a, b) => b.share - a.share);
  if (metrics.length === 0) return null;
  return (
    // Four columns and a share bar are wider than a phone: the table scrolls in its own box,
    // which takes keyboard focus (the table has nothing focusable to scroll it with).
    <Table.ScrollContainer minWidth={520} type="native" tabIndex={0} role="region" aria-label="Explanation by metric, scrolls sideways on a narrow screen">
      <Table verticalSpacing={4} aria-label="Explanation by metric">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Metric</Table.Th>
            <Table.Th>Value</Table.Th>
            <Table.Th>From baseline</Table.Th>
            <Table.Th>Share of the anomaly</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {metrics.map((metric) => (
            <Table.Tr key={metric.metric}>
              <Table.Td><Text size="sm" ff="monospace">{metric.metric}</Text></Table.Td>
              <Table.Td><Text size="sm" ff="monospace">{formatUnit(metric.value, unitOfExpression(metric.metric))}</Text></Table.Td>
              <Table.Td>
                <Badge variant="dot" color={STATUS_COLOR[metric.status]} tt="none">
                  {metric.status === 'normal' ? 'normal' : `${metric.sigma >= 0 ? '+' : ''}${metric.sigma.toFixed(1)}σ ${metric.status}`}
                </Badge>
                <Text size="xs" c="dimmed">{metric.baseline}</Text>
              </Table.Td>
              <Table.Td w={180}>
                <Progress value={metric.share * 100} color={STATUS_COLOR[metric.status]} aria-label={`${metric.metric} explains ${Math.round(metric.share * 100)}%`} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

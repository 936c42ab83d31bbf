import { Alert, Badge, Button, Group, Stack, Text, Timeline } from '@mantine/core';
import type { ChatCard } from '../../../../shared/api/chatops.ts';
import { ResponsiveChart } from '../../components/chart/ResponsiveChart.tsx';
import { formatTime } from '../../lib/format.ts';
import { ChatTableCard } from './ChatTableCard.tsx';

export interface CardActions {
  onConfirm: (token: string) => void;
  onCancel: () => void;
  /** The confirmation was answered (confirmed or cancelled): its buttons are done. */
  settled: boolean;
  busy: boolean;
}

/** One answer card of the chat: the same cards Slack gets as blocks, drawn with the console's parts. */
export function ChatCardView({ card, actions }: { card: ChatCard; actions: CardActions }) {
  const header = (
    <Text fw={600} size="sm">
      {card.title}
    </Text>
  );
  switch (card.kind) {
    case 'chart':
      return (
        <Stack gap={4} data-testid="chat-card-chart" data-series={card.series.length}>
          {header}
          <Text size="xs" c="dimmed">{card.text}</Text>
          <ResponsiveChart series={card.series} height={180} title={card.title} from={card.from} to={card.to} />
        </Stack>
      );
    case 'table':
      return (
        <Stack gap={4} data-testid="chat-card-table">
          {header}
          <Text size="xs" c="dimmed">{card.text}</Text>
          <ChatTableCard card={card} />
        </Stack>
      );
    case 'incident':
      return (
        <Stack gap={6} data-testid="chat-card-incident">
          <Group gap="xs">
            {header}
            <Badge size="sm" variant="light">{card.incident.status}</Badge>
            <Badge size="sm" color={card.incident.severity === 'critical' ? 'red' : card.incident.severity === 'warning' ? 'yellow' : 'blue'}>{card.incident.severity}</Badge>
          </Group>
          <Text size="xs" c="dimmed">{card.text}</Text>
          {card.alerts.map((a) => (
            <Text size="xs" key={a.id}>#{a.id} {a.name} · {a.severity} · {a.state}</Text>
          ))}
          <Timeline bulletSize={10} lineWidth={1}>
            {card.timeline.map((e, i) => (
              <Timeline.Item key={i} title={<Text size="xs">{e.text}</Text>}>
                <Text size="xs" c="dimmed">{formatTime(e.ts)} · {e.actor}</Text>
              </Timeline.Item>
            ))}
          </Timeline>
        </Stack>
      );
    case 'confirmation':
      return (
        <Stack gap={6} data-testid="chat-card-confirmation">
          <Text size="sm">{card.text}</Text>
          <Text size="xs" c="dimmed">Needs {card.requiredPermission}; valid until {formatTime(card.expiresAt)}.</Text>
          {!actions.settled && (
            <Group gap="xs">
              <Button size="xs" onClick={() => actions.onConfirm(card.token)} loading={actions.busy}>Confirm</Button>
              <Button size="xs" variant="default" onClick={actions.onCancel} disabled={actions.busy}>Cancel</Button>
            </Group>
          )}
        </Stack>
      );
    case 'text':
      return (
        <Stack gap={2} data-testid="chat-card-text">
          {header}
          <Text size="sm">{card.text}</Text>
          {card.lines.map((line, i) => <Text size="xs" key={i}>{line}</Text>)}
        </Stack>
      );
    case 'error':
      return (
        <Alert color="red" variant="light" title={card.title} data-testid="chat-card-error" p="xs">
          <Text size="sm">{card.text}</Text>
          {card.alternatives.length > 0 && (
            <Stack gap={2} mt={4}>
              <Text size="xs" c="dimmed">Did you mean:</Text>
              {card.alternatives.map((a, i) => (
                <Text key={i} size="xs">• {a.text}</Text>
              ))}
            </Stack>
          )}
        </Alert>
      );
  }
}

import type { Alert, AlertNotification, WebhookFormat } from '../../../shared/api/alerts.ts';

const SLACK_COLOURS = { critical: '#d7263d', warning: '#f4a259', info: '#3c91e6', resolved: '#2e933c' } as const;

/**
 * Text for a Slack message: `&`, `<` and `>` as the entities Slack asks for. Labels and
 * annotations come from alert sources (a metric's labels, an API key, Alertmanager), and
 * Slack reads `<!channel>`, `<@U123>` and `<https://x|text>` in them as a mention of
 * everyone, of a person, or a link that shows other text than where it goes.
 */
export function slackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack incoming-webhook message (also understood by Mattermost and Rocket.Chat). */
function slackMessage(alert: Alert, event: 'firing' | 'resolved'): unknown {
  const name = slackText(alert.labels.alertname ?? 'Alert');
  const summary = slackText(alert.annotations.summary ?? alert.annotations.description ?? '');
  const heading = event === 'resolved' ? `:white_check_mark: RESOLVED ${name}` : `:rotating_light: [${alert.severity.toUpperCase()}] ${name}`;
  const fields = Object.entries(alert.labels)
    .filter(([key]) => key !== 'alertname')
    .map(([key, value]) => ({ title: slackText(key), value: slackText(value), short: true }));
  const runbook = alert.annotations.runbook_url ? `\nRunbook: ${slackText(alert.annotations.runbook_url)}` : '';
  return {
    text: `${heading}${summary ? `: ${summary}` : ''}`,
    attachments: [
      {
        color: event === 'resolved' ? SLACK_COLOURS.resolved : SLACK_COLOURS[alert.severity],
        fallback: `${heading} ${summary}`,
        text: `${summary}${runbook}`,
        fields,
        footer: `SmartCloudOps alert #${alert.id}${alert.incidentId ? ` · incident #${alert.incidentId}` : ''}`,
        ts: Math.floor((event === 'resolved' ? (alert.endsAt ?? alert.updatedAt) : alert.startsAt) / 1000),
      },
    ],
  };
}

export function renderNotification(format: WebhookFormat, alert: Alert, event: 'firing' | 'resolved', now: number): unknown {
  if (format === 'slack') return slackMessage(alert, event);
  const body: AlertNotification = { version: 1, event, alert, sentAt: now };
  return body;
}

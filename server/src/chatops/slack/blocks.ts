import type { ChatCard } from '../../../../shared/api/chatops.ts';
import { isoTime } from '../../../../shared/iso-time.ts';
import { slackText } from '../../notifications/formats.ts';

/** A Slack message: Block Kit blocks plus the plain-text fallback Slack shows in notifications. */
export type SlackMessage = {
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  text: string;
  blocks: Record<string, unknown>[];
};

export const CONFIRM_ACTION = 'chatops_confirm';
export const CANCEL_ACTION = 'chatops_cancel';

/**
 * At most `max` characters of `text` with `&`, `<` and `>` escaped (slackText): what an
 * answer shows comes from alert sources and users (an alert named `<!channel>`, a label
 * `<https://x|y>`), which Slack would otherwise read as a mention or a disguised link.
 * An entity cut by the limit is dropped whole.
 */
function escaped(text: string, max: number): string {
  const out = slackText(text);
  return out.length <= max ? out : out.slice(0, max).replace(/&[a-z]*$/, '');
}

/** Slack caps a section's text at 3000 characters. */
function mrkdwn(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text: escaped(text, 2900) } };
}

function fmt(value: number): string {
  return Math.abs(value) >= 1000 || Number.isInteger(value) ? String(Math.round(value)) : value.toPrecision(3);
}

/** Fixed-width table in a code block: Block Kit has no table element. */
function table(columns: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const cells = [columns, ...rows.slice(0, 20).map((r) => r.map((c) => (c === null ? '' : String(c))))];
  const widths = columns.map((_, i) => Math.min(32, Math.max(...cells.map((r) => (r[i] ?? '').length))));
  return cells.map((r) => r.map((c, i) => (c ?? '').slice(0, 32).padEnd(widths[i]!)).join('  ')).join('\n');
}

/** One answer card as a Slack message (the same card the console renders). */
export function cardToSlack(card: ChatCard): SlackMessage {
  const head = mrkdwn(`*${card.title}*\n${card.text}`);
  switch (card.kind) {
    case 'chart': {
      const lines = card.series.map((s) => {
        const values = s.values;
        if (values.length === 0) return `• ${s.name} ${JSON.stringify(s.labels)}: no samples`;
        return `• ${s.name} ${Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(',')}: last ${fmt(values.at(-1)!)}, min ${fmt(Math.min(...values))}, max ${fmt(Math.max(...values))}`;
      });
      return { response_type: 'ephemeral', text: slackText(card.title), blocks: [head, mrkdwn(lines.join('\n') || 'no series')] };
    }
    case 'table':
      return { response_type: 'ephemeral', text: slackText(card.title), blocks: [head, ...(card.rows.length > 0 ? [mrkdwn(`\`\`\`${table(card.columns, card.rows)}\`\`\``)] : [])] };
    case 'incident':
      return {
        response_type: 'ephemeral',
        text: slackText(card.title),
        blocks: [
          head,
          mrkdwn(card.alerts.map((a) => `• #${a.id} ${a.name} (${a.severity}, ${a.state})`).join('\n') || 'no alerts'),
          { type: 'context', elements: card.timeline.slice(-5).map((e) => ({ type: 'mrkdwn', text: escaped(`${isoTime(e.ts).slice(11, 16)} ${e.actor}: ${e.text}`, 300) })).slice(0, 10) },
        ].filter((b) => b.type !== 'context' || (b.elements as unknown[]).length > 0),
      };
    case 'confirmation':
      return {
        response_type: 'ephemeral',
        text: slackText(`Confirm: ${card.text}`),
        blocks: [
          mrkdwn(`*Confirm?*\n${card.text}`),
          {
            type: 'actions',
            elements: [
              { type: 'button', action_id: CONFIRM_ACTION, style: 'primary', text: { type: 'plain_text', text: 'Confirm' }, value: card.token },
              { type: 'button', action_id: CANCEL_ACTION, text: { type: 'plain_text', text: 'Cancel' }, value: card.token },
            ],
          },
          { type: 'context', elements: [{ type: 'mrkdwn', text: `Expires at ${isoTime(card.expiresAt).slice(11, 19)} UTC; needs ${card.requiredPermission}.` }] },
        ],
      };
    case 'text':
      return { response_type: 'ephemeral', text: slackText(card.title), blocks: [head, ...(card.lines.length > 0 ? [mrkdwn(card.lines.join('\n'))] : [])] };
    case 'error':
      return {
        response_type: 'ephemeral',
        text: slackText(`${card.title}: ${card.text}`),
        blocks: [
          mrkdwn(`:warning: *${card.title}*\n${card.text}`),
          ...(card.alternatives.length > 0 ? [mrkdwn(`Did you mean:\n${card.alternatives.map((a) => `• ${a.text}`).join('\n')}`)] : []),
        ],
      };
  }
}

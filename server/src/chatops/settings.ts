import { ConfigError } from '../config.ts';
import { decimalInteger } from '../config-numbers.ts';
import type { RunbookGateway } from './runbook-gateway.ts';

export type UnmappedPolicy = 'deny' | 'read-only';

export interface ChatOpsSettings {
  /** Slack's signing secret (SMARTCLOUDOPS_SLACK_SIGNING_SECRET); without it the Slack endpoints answer 503. */
  slackSigningSecret: string | undefined;
  /**
   * The Slack app's bot user id (SMARTCLOUDOPS_SLACK_BOT_USER_ID, e.g. `U0BOT123`): its mention in a command
   * ("/ops <@U0BOT123> ack 12") is chat's own name. Absent: a mention Slack sends without a name is nobody's known, and a
   * line led by it is asked of someone else.
   */
  slackBotUserId?: string;
  /** What a chat user no admin has mapped gets (SMARTCLOUDOPS_SLACK_UNMAPPED): nothing, or read-only answers. */
  unmapped: UnmappedPolicy;
  /** How long a confirmation token lives (SMARTCLOUDOPS_CHAT_CONFIRM_TTL), seconds. */
  confirmTtlSeconds: number;
  /** Oldest Slack request timestamp accepted, seconds (Slack's own advice: 5 minutes). */
  slackMaxAgeSeconds: number;
  /**
   * Chat messages per principal per minute, all replicas together (SMARTCLOUDOPS_CHAT_RATE_LIMIT):
   * console and Slack alike, a mapped Slack user counting as the user. Confirming or
   * cancelling a pending confirmation of one's own is not counted.
   */
  messagesPerMinute: number;
  /** Chat history rows kept per principal; older ones are removed as new ones are written. */
  historyPerUser: number;
  /** How runbook commands reach the runbooks feature; absent: runbooks are not available. */
  runbooks?: RunbookGateway;
}

export const DEFAULT_CHATOPS_SETTINGS: ChatOpsSettings = {
  slackSigningSecret: undefined,
  unmapped: 'deny',
  confirmTtlSeconds: 120,
  slackMaxAgeSeconds: 300,
  messagesPerMinute: 60,
  historyPerUser: 1_000,
};

export function chatopsSettingsFromEnv(env: Record<string, string | undefined>): Partial<ChatOpsSettings> {
  const settings: Partial<ChatOpsSettings> = {};
  const secret = env.SMARTCLOUDOPS_SLACK_SIGNING_SECRET;
  if (secret) {
    if (secret.length < 16) throw new ConfigError('SMARTCLOUDOPS_SLACK_SIGNING_SECRET', 'must be at least 16 characters long');
    settings.slackSigningSecret = secret;
  }
  const botUser = env.SMARTCLOUDOPS_SLACK_BOT_USER_ID;
  if (botUser) {
    if (!/^[UWB][A-Z0-9]{2,20}$/.test(botUser)) throw new ConfigError('SMARTCLOUDOPS_SLACK_BOT_USER_ID', `must be a Slack user id such as U0BOT123 (got "${botUser}")`);
    settings.slackBotUserId = botUser;
  }
  const unmapped = env.SMARTCLOUDOPS_SLACK_UNMAPPED;
  if (unmapped) {
    if (unmapped !== 'deny' && unmapped !== 'read-only') throw new ConfigError('SMARTCLOUDOPS_SLACK_UNMAPPED', `must be "deny" or "read-only" (got "${unmapped}")`);
    settings.unmapped = unmapped;
  }
  const ttl = env.SMARTCLOUDOPS_CHAT_CONFIRM_TTL;
  if (ttl) {
    const seconds = decimalInteger(ttl);
    if (seconds === null || seconds < 10 || seconds > 3600) throw new ConfigError('SMARTCLOUDOPS_CHAT_CONFIRM_TTL', `must be an integer from 10 to 3600 (got "${ttl}")`);
    settings.confirmTtlSeconds = seconds;
  }
  const rate = env.SMARTCLOUDOPS_CHAT_RATE_LIMIT;
  if (rate) {
    const perMinute = decimalInteger(rate);
    if (perMinute === null || perMinute < 1 || perMinute > 100_000) throw new ConfigError('SMARTCLOUDOPS_CHAT_RATE_LIMIT', `must be an integer from 1 to 100000 (got "${rate}")`);
    settings.messagesPerMinute = perMinute;
  }
  return settings;
}

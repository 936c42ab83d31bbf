import { Type, type Static } from 'typebox';
import { INTENTS } from '../chatops/intents.ts';
import { defineRoute } from './route.ts';

/**
 * ChatOps API contract (`/api/v1/chat*`, `/api/v1/integrations/slack/*`): parse a line of
 * chat, answer it with a card, confirm a state change, map chat users to our users.
 * docs/chatops.md describes the grammar, the cards and the policy.
 */

const Text = Type.String({ minLength: 1, maxLength: 2000 });
/** Minutes east of UTC of the asker's clock, so "since 9am" means their 9am. */
const UtcOffset = Type.Optional(Type.Integer({ minimum: -840, maximum: 840 }));
const IntentSchema = Type.Enum(INTENTS);

export const ChatParseRequestSchema = Type.Object({ text: Text, utcOffsetMinutes: UtcOffset }, { additionalProperties: false });
export type ChatParseRequest = Static<typeof ChatParseRequestSchema>;

export const AlternativeSchema = Type.Object({ intent: IntentSchema, text: Type.String(), confidence: Type.Number() });

export const ParseResultSchema = Type.Object({
  intent: IntentSchema,
  slots: Type.Record(Type.String(), Type.Unknown()),
  confidence: Type.Number(),
  requiredPermission: Type.Union([Type.String(), Type.Null()]),
  preview: Type.String(),
  alternatives: Type.Array(AlternativeSchema),
});

export const ChatRequestSchema = Type.Object(
  {
    text: Text,
    /** The token of a confirmation card: runs the command it previewed. */
    confirm: Type.Optional(Type.String({ minLength: 16, maxLength: 128 })),
    utcOffsetMinutes: UtcOffset,
  },
  { additionalProperties: false },
);
export type ChatRequest = Static<typeof ChatRequestSchema>;

/** What every card carries: the intent it answers, a title and one line of text. */
const common = { intent: IntentSchema, title: Type.String(), text: Type.String() };

export const ChartCardSchema = Type.Object({
  kind: Type.Literal('chart'),
  ...common,
  metric: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  from: Type.Integer(),
  to: Type.Integer(),
  series: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      labels: Type.Record(Type.String(), Type.String()),
      timestamps: Type.Array(Type.Number()),
      values: Type.Array(Type.Number()),
    }),
  ),
});

const Cell = Type.Union([Type.String(), Type.Number(), Type.Null()]);
export const TableCardSchema = Type.Object({
  kind: Type.Literal('table'),
  ...common,
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Array(Cell)),
});

export const IncidentCardSchema = Type.Object({
  kind: Type.Literal('incident'),
  ...common,
  incident: Type.Object({
    id: Type.Integer(),
    title: Type.String(),
    severity: Type.String(),
    status: Type.String(),
    commander: Type.Union([Type.String(), Type.Null()]),
    openedAt: Type.Integer(),
    alertCount: Type.Integer(),
    firingCount: Type.Integer(),
  }),
  alerts: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), severity: Type.String(), state: Type.String() })),
  timeline: Type.Array(Type.Object({ ts: Type.Integer(), kind: Type.String(), actor: Type.String(), text: Type.String() })),
});

export const ConfirmationCardSchema = Type.Object({
  kind: Type.Literal('confirmation'),
  ...common,
  /** Send back as `confirm` (with the same text) to run it; single use, bound to the asker. */
  token: Type.String(),
  expiresAt: Type.Integer(),
  requiredPermission: Type.String(),
});

export const TextCardSchema = Type.Object({ kind: Type.Literal('text'), ...common, lines: Type.Array(Type.String()) });

export const ErrorCardSchema = Type.Object({
  kind: Type.Literal('error'),
  ...common,
  /** A code of shared/errors.ts: E_FORBIDDEN, E_NOT_FOUND, E_CONFLICT, E_VALIDATION, E_UNAVAILABLE... */
  code: Type.String(),
  alternatives: Type.Array(AlternativeSchema),
});

export const ChatCardSchema = Type.Union([ChartCardSchema, TableCardSchema, IncidentCardSchema, ConfirmationCardSchema, TextCardSchema, ErrorCardSchema]);
export type ChatCard = Static<typeof ChatCardSchema>;
export type ChartCard = Static<typeof ChartCardSchema>;
export type TableCard = Static<typeof TableCardSchema>;
export type IncidentCard = Static<typeof IncidentCardSchema>;
export type ConfirmationCard = Static<typeof ConfirmationCardSchema>;
export type TextCard = Static<typeof TextCardSchema>;
export type ErrorCard = Static<typeof ErrorCardSchema>;

export const ChatHistorySchema = Type.Object({
  items: Type.Array(
    Type.Object({ id: Type.Integer(), ts: Type.Integer(), channel: Type.String(), text: Type.String(), intent: Type.String(), kind: Type.String(), summary: Type.String() }),
  ),
});
export type ChatHistory = Static<typeof ChatHistorySchema>;

export const CHAT_PLATFORMS = ['slack', 'mattermost'] as const;

export const ChatUserMappingSchema = Type.Object({
  id: Type.Integer(),
  platform: Type.Enum(CHAT_PLATFORMS),
  teamId: Type.String(),
  chatUserId: Type.String(),
  userId: Type.Integer(),
  username: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.Integer(),
});
export type ChatUserMapping = Static<typeof ChatUserMappingSchema>;

export const CreateChatUserMappingSchema = Type.Object(
  {
    platform: Type.Enum(CHAT_PLATFORMS),
    teamId: Type.Optional(Type.String({ maxLength: 64 })),
    chatUserId: Type.String({ minLength: 1, maxLength: 64 }),
    /** Our username. */
    username: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type CreateChatUserMapping = Static<typeof CreateChatUserMappingSchema>;

/** Slack's slash command and interactivity payloads: form fields, passed through as strings. */
const SlackForm = Type.Record(Type.String(), Type.String());
/** A Slack Block Kit message (`blocks`, `text`, `response_type`, `replace_original`). */
const SlackMessage = Type.Record(Type.String(), Type.Unknown());

const tags = ['chatops'] as const;
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const chatopsRoutes = {
  parse: defineRoute({
    method: 'POST', path: '/chat/parse', access: 'authenticated', tags, body: ChatParseRequestSchema, response: ParseResultSchema,
    summary: 'Parses a line of chat into an intent with slots; executes nothing.',
  }),
  send: defineRoute({
    method: 'POST', path: '/chat', access: 'authenticated', tags, body: ChatRequestSchema, response: ChatCardSchema,
    summary: 'Answers a line of chat with a card; state changes answer a confirmation first and run with its token. At most SMARTCLOUDOPS_CHAT_RATE_LIMIT messages a minute per principal (default 60; answering a pending confirmation of your own is not counted), beyond 429 E_RATE_LIMITED with Retry-After.',
  }),
  history: defineRoute({ method: 'GET', path: '/chat/history', access: 'authenticated', tags, response: ChatHistorySchema, summary: 'What the caller asked, newest first.' }),
  mappings: defineRoute({ method: 'GET', path: '/chat/mappings', access: 'users:manage', tags, response: Type.Array(ChatUserMappingSchema) }),
  createMapping: defineRoute({ method: 'POST', path: '/chat/mappings', access: 'users:manage', tags, body: CreateChatUserMappingSchema, response: ChatUserMappingSchema, status: 201 }),
  removeMapping: defineRoute({ method: 'DELETE', path: '/chat/mappings/:id', access: 'users:manage', tags, params: IdParams, status: 204 }),
} as const;

/** Slack and Mattermost: signed with the signing secret instead of a bearer token. */
export const slackRoutes = {
  command: defineRoute({
    method: 'POST', path: '/integrations/slack/command', access: 'public', tags, body: SlackForm, response: SlackMessage,
    summary: 'Slack / Mattermost slash command (form-encoded, signed with the signing secret).',
  }),
  actions: defineRoute({
    method: 'POST', path: '/integrations/slack/actions', access: 'public', tags, body: SlackForm, response: SlackMessage,
    summary: 'Slack interactive buttons: confirms or cancels a confirmation card.',
  }),
} as const;

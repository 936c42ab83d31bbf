import { Type, type Static } from 'typebox';
import { defineRoute } from './route.ts';

/** The audit log (`GET /api/v1/audit`, permission `audit:read`): newest first, keyset paging. */
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export const AUDIT_ACTOR_KINDS = ['user', 'apiKey', 'anonymous', 'system'] as const;

export const AuditOutcomeSchema = Type.Enum(AUDIT_OUTCOMES);
export type AuditOutcome = Static<typeof AuditOutcomeSchema>;

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  /** Unix milliseconds. */
  ts: Type.Integer(),
  /** Username or API key name; null when unknown (anonymous). */
  actor: Type.Union([Type.String(), Type.Null()]),
  actorKind: Type.Enum(AUDIT_ACTOR_KINDS),
  /** Dotted verb: `auth.login`, `user.create`, `apikey.revoke`, ... */
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  outcome: AuditOutcomeSchema,
  /** Client address. */
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
export type AuditEntry = Static<typeof AuditEntrySchema>;

export const AuditQuerySchema = Type.Object(
  {
    actor: Type.Optional(Type.String({ maxLength: 128 })),
    /** Exact, or a prefix ending in `*` (`auth.*`). */
    action: Type.Optional(Type.String({ maxLength: 128 })),
    outcome: Type.Optional(AuditOutcomeSchema),
    target: Type.Optional(Type.String({ maxLength: 256 })),
    /** Unix milliseconds, inclusive. */
    from: Type.Optional(Type.Integer({ minimum: 0 })),
    to: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Cursor: the `nextBefore` of the previous page. */
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuerySchema>;

export const AuditPageSchema = Type.Object({
  entries: Type.Array(AuditEntrySchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: Type.Union([Type.Integer(), Type.Null()]),
});
export type AuditPage = Static<typeof AuditPageSchema>;

/** `GET /audit/export`: entries of a time range, oldest first, one JSON entry a line (NDJSON), for keeping them past the retention. */
export const AuditExportQuerySchema = Type.Object(
  {
    /** Unix milliseconds, inclusive; absent: from the first entry. */
    from: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Unix milliseconds, inclusive; absent: up to the last entry. */
    to: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type AuditExportQuery = Static<typeof AuditExportQuerySchema>;

export const auditRoutes = {
  /** Filtered, newest first, keyset paging through `before` / `nextBefore`. */
  list: defineRoute({ method: 'GET', path: '/audit', access: 'audit:read', tags: ['audit'], query: AuditQuerySchema, response: AuditPageSchema }),
  /** A time range as NDJSON (`application/x-ndjson`, one `AuditEntry` a line, oldest first), streamed; a download for archiving before the retention deletes it. */
  export: defineRoute({ method: 'GET', path: '/audit/export', access: 'audit:read', tags: ['audit'], query: AuditExportQuerySchema }),
} as const;

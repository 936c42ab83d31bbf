import { Type, type Static } from 'typebox';
import { PermissionSchema, RoleSchema } from './auth.ts';
import { defineRoute } from './route.ts';
import { TimestampSchema } from './numbers.ts';

/**
 * API keys (`/api/v1/api-keys`): for scripts and integrations. A key acts for the user who
 * created it, with a role no higher than theirs, optionally narrowed to a list of scopes.
 * The secret (`sco_...`) is returned once at creation; the server keeps only its hash.
 * Keys and access tokens are both sent as `Authorization: Bearer <token>`.
 */
export const API_KEY_PREFIX = 'sco_';

export const ApiKeySchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  /** The first characters of the secret, to tell keys apart in a list. */
  prefix: Type.String(),
  ownerId: Type.Integer(),
  ownerUsername: Type.String(),
  role: RoleSchema,
  /** Null: everything the role allows. */
  scopes: Type.Union([Type.Array(PermissionSchema), Type.Null()]),
  createdAt: Type.Integer(),
  expiresAt: Type.Union([Type.Integer(), Type.Null()]),
  lastUsedAt: Type.Union([Type.Integer(), Type.Null()]),
  revokedAt: Type.Union([Type.Integer(), Type.Null()]),
});
export type ApiKey = Static<typeof ApiKeySchema>;

/**
 * The longest a non-admin's key may live: the console's longest choice (a year) and a day
 * for the client's clock. Admins alone mint keys beyond it, or that never expire.
 */
export const MAX_NON_ADMIN_KEY_LIFETIME_MS = 366 * 86_400_000;

export const CreateApiKeyRequestSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    /** Defaults to the least role (`viewer`); may not exceed the creator's. */
    role: Type.Optional(RoleSchema),
    /** Narrower than the role: each must be a permission of the role. */
    scopes: Type.Optional(Type.Array(PermissionSchema, { minItems: 1, uniqueItems: true })),
    /** Unix milliseconds; must be in the future. Required unless the creator is an admin, and then within MAX_NON_ADMIN_KEY_LIFETIME_MS. */
    expiresAt: Type.Optional(TimestampSchema),
  },
  { additionalProperties: false },
);
export type CreateApiKeyRequest = Static<typeof CreateApiKeyRequestSchema>;

export const CreatedApiKeySchema = Type.Object({
  key: ApiKeySchema,
  /** Shown once; store it now. */
  secret: Type.String(),
});
export type CreatedApiKey = Static<typeof CreatedApiKeySchema>;

export const ApiKeyListSchema = Type.Object({ keys: Type.Array(ApiKeySchema) });
export type ApiKeyList = Static<typeof ApiKeyListSchema>;

export const ApiKeyIdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type ApiKeyIdParams = Static<typeof ApiKeyIdParamsSchema>;

const tags = ['api-keys'];

/** Every user manages their own keys; `apikeys:manage` (admin) sees and revokes all. */
export const apiKeysRoutes = {
  list: defineRoute({ method: 'GET', path: '/api-keys', access: 'authenticated', tags, response: ApiKeyListSchema }),
  create: defineRoute({ method: 'POST', path: '/api-keys', access: 'authenticated', tags, body: CreateApiKeyRequestSchema, response: CreatedApiKeySchema, status: 201 }),
  revoke: defineRoute({ method: 'DELETE', path: '/api-keys/:id', access: 'authenticated', tags, params: ApiKeyIdParamsSchema, response: ApiKeySchema }),
} as const;

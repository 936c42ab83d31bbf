import { Type, type Static } from 'typebox';
import { defineRoute } from './route.ts';

/** The key that now signs new access tokens. */
export const RotatedSigningKeySchema = Type.Object({ kid: Type.String(), createdAt: Type.Integer() });
export type RotatedSigningKey = Static<typeof RotatedSigningKeySchema>;
/** No options today; an explicit empty object keeps stray bodies from being silently accepted. */
export const RotateSigningKeyRequestSchema = Type.Object({}, { additionalProperties: false });

export const signingKeysRoutes = {
  /**
   * New access tokens are signed with a new key; tokens of the previous keys stay valid
   * until they expire, so nobody is logged out.
   */
  rotate: defineRoute({
    method: 'POST', path: '/admin/signing-keys/rotate', access: 'security:manage', tags: ['admin'], body: RotateSigningKeyRequestSchema, response: RotatedSigningKeySchema,
  }),
} as const;

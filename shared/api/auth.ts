import { Type, type Static } from 'typebox';
import { ROLES, PERMISSIONS } from '../auth/permissions.ts';

export const RoleSchema = Type.Enum(ROLES);
export const PermissionSchema = Type.Enum(PERMISSIONS);

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  role: RoleSchema,
  disabled: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  createdAt: Type.Integer(),
});
export type User = Static<typeof UserSchema>;

export const LoginRequestSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type LoginRequest = Static<typeof LoginRequestSchema>;

export const TokenPairSchema = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  /** Access token lifetime in seconds. */
  expiresIn: Type.Integer(),
  user: UserSchema,
});
export type TokenPair = Static<typeof TokenPairSchema>;

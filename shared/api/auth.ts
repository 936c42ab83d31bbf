import { Type, type Static } from 'typebox';
import { ROLES, PERMISSIONS } from '../auth/permissions.ts';
import { defineRoute } from './route.ts';

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

/** Length rules are checked by the server (12..1024) so that the message can say which rule failed. */
export const NewPasswordSchema = Type.String({ minLength: 1, maxLength: 1024 });

export const ChangePasswordRequestSchema = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: NewPasswordSchema },
  { additionalProperties: false },
);
export type ChangePasswordRequest = Static<typeof ChangePasswordRequestSchema>;

export const RefreshRequestSchema = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });
export type RefreshRequest = Static<typeof RefreshRequestSchema>;

const tags = ['auth'];

/** Sessions: log in, refresh, log out, who am I, and changing one's own password. */
export const authRoutes = {
  login: defineRoute({ method: 'POST', path: '/auth/login', access: 'public', tags, body: LoginRequestSchema, response: TokenPairSchema }),
  refresh: defineRoute({ method: 'POST', path: '/auth/refresh', access: 'public', tags, body: RefreshRequestSchema, response: TokenPairSchema }),
  logout: defineRoute({ method: 'POST', path: '/auth/logout', access: 'public', tags, body: RefreshRequestSchema, response: Type.Null(), status: 204 }),
  me: defineRoute({ method: 'GET', path: '/auth/me', access: 'authenticated', allowPendingPasswordChange: true, tags, response: UserSchema }),
  /** Ends every session of the user and answers a fresh one for this client. */
  changePassword: defineRoute({
    method: 'POST', path: '/auth/password', access: 'authenticated', allowPendingPasswordChange: true, tags, body: ChangePasswordRequestSchema, response: TokenPairSchema,
  }),
} as const;

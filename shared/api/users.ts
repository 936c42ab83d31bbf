import { Type, type Static } from 'typebox';
import { NewPasswordSchema, RoleSchema, UserSchema } from './auth.ts';
import { defineRoute } from './route.ts';

/** User administration (`/api/v1/users`, admin) and one's own password (`/api/v1/auth/password`). */
export { UserSchema, type User, NewPasswordSchema, ChangePasswordRequestSchema, type ChangePasswordRequest } from './auth.ts';

export const UsernameSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' });

export const UserIdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type UserIdParams = Static<typeof UserIdParamsSchema>;

export const CreateUserRequestSchema = Type.Object(
  {
    username: UsernameSchema,
    password: NewPasswordSchema,
    role: RoleSchema,
    /** Ask the user to choose their own password at first login (default true). */
    mustChangePassword: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateUserRequest = Static<typeof CreateUserRequestSchema>;

export const UpdateUserRequestSchema = Type.Object(
  { role: Type.Optional(RoleSchema), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserRequest = Static<typeof UpdateUserRequestSchema>;

/** Admin reset: sets a password the user must change at next login (unless told otherwise). */
export const ResetPasswordRequestSchema = Type.Object(
  { password: NewPasswordSchema, mustChangePassword: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type ResetPasswordRequest = Static<typeof ResetPasswordRequestSchema>;


export const UserListSchema = Type.Object({ users: Type.Array(UserSchema) });
export type UserList = Static<typeof UserListSchema>;

const tags = ['users'];

/** Admin user management (`users:manage`). */
export const usersRoutes = {
  list: defineRoute({ method: 'GET', path: '/users', access: 'users:manage', tags, response: UserListSchema }),
  create: defineRoute({ method: 'POST', path: '/users', access: 'users:manage', tags, body: CreateUserRequestSchema, response: UserSchema, status: 201 }),
  get: defineRoute({ method: 'GET', path: '/users/:id', access: 'users:manage', tags, params: UserIdParamsSchema, response: UserSchema }),
  update: defineRoute({ method: 'PATCH', path: '/users/:id', access: 'users:manage', tags, params: UserIdParamsSchema, body: UpdateUserRequestSchema, response: UserSchema }),
  remove: defineRoute({ method: 'DELETE', path: '/users/:id', access: 'users:manage', tags, params: UserIdParamsSchema, response: UserSchema }),
  resetPassword: defineRoute({
    method: 'POST', path: '/users/:id/password', access: 'users:manage', tags, params: UserIdParamsSchema, body: ResetPasswordRequestSchema, response: UserSchema,
  }),
} as const;

/** A sign-in lock on a user (login lockout, docs/server.md "Lockout and rate limits"). */
export const UserLockoutSchema = Type.Object({
  userId: Type.Integer(),
  username: Type.String(),
  /** The known address whose own count is locked; null: the lock on every address the user has not signed in from lately. */
  address: Type.Union([Type.String(), Type.Null()]),
  failures: Type.Integer(),
  /** Epoch ms when the lock lifts on its own. */
  lockedUntil: Type.Integer(),
});
export type UserLockout = Static<typeof UserLockoutSchema>;

export const UserLockoutListSchema = Type.Object({ lockouts: Type.Array(UserLockoutSchema) });
export type UserLockoutList = Static<typeof UserLockoutListSchema>;

export const ClearedLockoutSchema = Type.Object({
  userId: Type.Integer(),
  /** Locks lifted (0 when the user was not locked: clearing is idempotent). */
  cleared: Type.Integer(),
});
export type ClearedLockout = Static<typeof ClearedLockoutSchema>;

/**
 * Sign-in locks of users, for admins (`users:manage`). Served by the auth feature, which
 * owns the login counters; addresses' own locks (`ip:`) are not here: they lift on their own.
 */
export const userLockoutsRoutes = {
  list: defineRoute({ method: 'GET', path: '/users/lockouts', access: 'users:manage', tags, response: UserLockoutListSchema }),
  clear: defineRoute({ method: 'DELETE', path: '/users/:id/lockout', access: 'users:manage', tags, params: UserIdParamsSchema, response: ClearedLockoutSchema }),
} as const;

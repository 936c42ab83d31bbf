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

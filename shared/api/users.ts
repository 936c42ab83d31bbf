import { Type, type Static } from 'typebox';
import { RoleSchema, UserSchema } from './auth.ts';

/** User administration (`/api/v1/users`, admin) and one's own password (`/api/v1/auth/password`). */
export { UserSchema, type User } from './auth.ts';

export const UsernameSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' });
/** Length rules are checked by the server (12..1024) so that the message can say which rule failed. */
export const NewPasswordSchema = Type.String({ minLength: 1, maxLength: 1024 });

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

export const ChangePasswordRequestSchema = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: NewPasswordSchema },
  { additionalProperties: false },
);
export type ChangePasswordRequest = Static<typeof ChangePasswordRequestSchema>;

export const UserListSchema = Type.Object({ users: Type.Array(UserSchema) });
export type UserList = Static<typeof UserListSchema>;

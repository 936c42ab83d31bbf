import { Type, type Static } from 'typebox';
import { UserSchema } from '../../api/auth.ts';
import { event, invoke } from '../define.ts';

/**
 * Signing in to the selected server profile. Main keeps the access token in memory and
 * the refresh token (or API key, or remembered password) in the OS keychain; the
 * renderer only ever sees this status, never a secret.
 */
export const AuthStatusSchema = Type.Object({
  profileId: Type.Union([Type.String(), Type.Null()]),
  /**
   * `no-profile`: nothing selected; `signed-out`: selected, no usable credentials;
   * `signed-in`: requests will carry credentials; `unreachable`: credentials are stored
   * but the server cannot be reached (the console falls back to the local cache).
   */
  state: Type.Union([Type.Literal('no-profile'), Type.Literal('signed-out'), Type.Literal('signed-in'), Type.Literal('unreachable')]),
  method: Type.Union([Type.Literal('password'), Type.Literal('apiKey'), Type.Null()]),
  user: Type.Union([UserSchema, Type.Null()]),
});
export type AuthStatus = Static<typeof AuthStatusSchema>;

const ProfileId = Type.String({ minLength: 1, maxLength: 64 });

export const LoginRequestSchema = Type.Union([
  Type.Object(
    {
      profileId: ProfileId,
      method: Type.Literal('password'),
      username: Type.String({ minLength: 1, maxLength: 128 }),
      password: Type.String({ minLength: 1, maxLength: 1024 }),
      /** Keep the password in the keychain too, so an expired session can sign in again unattended. */
      rememberPassword: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { profileId: ProfileId, method: Type.Literal('apiKey'), apiKey: Type.String({ minLength: 8, maxLength: 512 }) },
    { additionalProperties: false },
  ),
]);
export type DesktopLoginRequest = Static<typeof LoginRequestSchema>;

export const authChannels = {
  'auth.login': invoke(LoginRequestSchema, AuthStatusSchema),
  /** Revokes the session on the server (best effort) and deletes the stored secrets of the selected profile. */
  'auth.logout': invoke(Type.Undefined(), AuthStatusSchema),
  'auth.status': invoke(Type.Undefined(), AuthStatusSchema),
};

export const authEvents = {
  'auth.changed': event(AuthStatusSchema),
};

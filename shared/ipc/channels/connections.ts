import { Type, type Static } from 'typebox';
import { event, invoke } from '../define.ts';
import { AuthStatusSchema } from './auth.ts';

const ProfileId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Name = Type.String({ minLength: 1, maxLength: 80 });
/** Main parses it again (http or https only, no credentials in the URL). */
const ServerUrl = Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://' });

export const TlsOptionsSchema = Type.Object(
  {
    /** PEM bundle trusted in addition to the system roots (private CA, self-signed server). */
    caCertificate: Type.Optional(Type.String({ maxLength: 65_536 })),
  },
  { additionalProperties: false },
);
export type TlsOptions = Static<typeof TlsOptionsSchema>;

export const SecretKindSchema = Type.Union([Type.Literal('password'), Type.Literal('apiKey'), Type.Literal('refreshToken')]);
export type SecretKind = Static<typeof SecretKindSchema>;

/** A server profile as the renderer sees it: never a secret, only which kinds are stored. */
export const ConnectionProfileSchema = Type.Object({
  id: ProfileId,
  name: Name,
  url: ServerUrl,
  tls: TlsOptionsSchema,
  /** Last username signed in with, to prefill the login form. */
  username: Type.Union([Type.String(), Type.Null()]),
  storedSecrets: Type.Array(SecretKindSchema),
});
export type ConnectionProfile = Static<typeof ConnectionProfileSchema>;

export const ConnectionListSchema = Type.Object({
  profiles: Type.Array(ConnectionProfileSchema),
  activeId: Type.Union([ProfileId, Type.Null()]),
});
export type ConnectionList = Static<typeof ConnectionListSchema>;

export const NewConnectionSchema = Type.Object(
  { name: Name, url: ServerUrl, tls: Type.Optional(TlsOptionsSchema) },
  { additionalProperties: false },
);
export type NewConnection = Static<typeof NewConnectionSchema>;

export const ConnectionUpdateSchema = Type.Object(
  { id: ProfileId, name: Type.Optional(Name), url: Type.Optional(ServerUrl), tls: Type.Optional(TlsOptionsSchema) },
  { additionalProperties: false },
);
export type ConnectionUpdate = Static<typeof ConnectionUpdateSchema>;

/** Test a saved profile, or a draft before saving it. */
export const ConnectionTestRequestSchema = Type.Union([
  Type.Object({ id: ProfileId }, { additionalProperties: false }),
  Type.Object({ url: ServerUrl, tls: Type.Optional(TlsOptionsSchema) }, { additionalProperties: false }),
]);

export const ConnectionTestResultSchema = Type.Object({
  /** Version reported by the server's /health. */
  serverVersion: Type.String(),
  /** Whether the server answered over TLS. */
  secure: Type.Boolean(),
});
export type ConnectionTestResult = Static<typeof ConnectionTestResultSchema>;

const ById = Type.Object({ id: ProfileId }, { additionalProperties: false });

export const connectionChannels = {
  'connections.list': invoke(Type.Undefined(), ConnectionListSchema),
  'connections.add': invoke(NewConnectionSchema, ConnectionProfileSchema),
  /** Changing the URL drops the stored session: tokens belong to one server. */
  'connections.update': invoke(ConnectionUpdateSchema, ConnectionProfileSchema),
  /** Removes the profile and every secret stored for it. */
  'connections.remove': invoke(ById, Type.Null()),
  'connections.test': invoke(ConnectionTestRequestSchema, ConnectionTestResultSchema),
  /** Makes the profile active and resumes its stored session when there is one. */
  'connections.select': invoke(ById, AuthStatusSchema),
};

export const connectionEvents = {
  'connections.changed': event(ConnectionListSchema),
};

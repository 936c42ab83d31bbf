import { Type, type Static } from 'typebox';
import { defineRoute } from './route.ts';

export const ServerVersionSchema = Type.Object({
  name: Type.String(),
  /** The server's release (package.json version), e.g. `1.2.0`. */
  version: Type.String(),
  /** The Node.js version it runs on. */
  node: Type.String(),
});
export type ServerVersion = Static<typeof ServerVersionSchema>;

export const serverInfoRoutes = {
  /** Public like /health: the console shows it before and after sign-in. */
  version: defineRoute({ method: 'GET', path: '/version', access: 'public', tags: ['health'], response: ServerVersionSchema }),
} as const;

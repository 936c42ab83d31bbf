import { Type } from 'typebox';
import { invoke } from '../define.ts';
import { API_PREFIX } from '../../api/client.ts';

/**
 * The renderer's server API calls, performed by main with the selected profile's
 * credentials. Only the versioned API is reachable this way; main checks the path
 * again (no `..`, no scheme, no query in the path).
 */
export const ApiRequestSchema = Type.Object(
  {
    method: Type.Union([Type.Literal('GET'), Type.Literal('POST'), Type.Literal('PUT'), Type.Literal('PATCH'), Type.Literal('DELETE')]),
    path: Type.String({ minLength: 8, maxLength: 2048, pattern: `^${API_PREFIX}/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$` }),
    /** As the shared client builds it: null and undefined values are left out of the URL. */
    query: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 128 }),
        Type.Union([
          Type.String({ maxLength: 4096 }),
          Type.Number(),
          Type.Boolean(),
          Type.Null(),
          Type.Undefined(),
          Type.Array(Type.Union([Type.String({ maxLength: 4096 }), Type.Number()]), { maxItems: 256 }),
        ]),
      ),
    ),
    body: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export const apiChannels = {
  /** Resolves with the response JSON (null for 204); errors keep the server's catalogue code. */
  'api.request': invoke(ApiRequestSchema, Type.Unknown()),
};

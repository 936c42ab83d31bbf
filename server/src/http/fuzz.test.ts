import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';
import { ROLES, type Role } from '../../../shared/auth/permissions.ts';
import { createRandom } from '../../../shared/anomaly/prng.ts';

/**
 * Schema-driven fuzzing of every route of the live OpenAPI document (`GET /docs/json`),
 * as every role and anonymous: plausible requests with one hostile change each (wrong
 * types, missing or unknown fields, huge strings, non-finite numbers, unicode and NUL
 * bytes, injection strings). Whatever arrives, the answer is never a 5xx and the server
 * keeps serving. Seeded, so a failure reproduces; bounded, so it stays a unit test.
 */
const SEED = 0x5c0_15;
const REQUESTS = 3000;

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema | Schema[];
  minItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
};
interface Operation {
  parameters?: Array<{ in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema: Schema }>;
  requestBody?: { content?: Record<string, { schema: Schema }> };
}
interface Route {
  method: string;
  path: string;
  operation: Operation;
}

/** Seeded (mulberry32, the engine's own): every run sends the same inputs. */
function prng(seed: number) {
  const { next, int } = createRandom(seed);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Random = ReturnType<typeof prng>;

const HOSTILE_STRINGS = [
  '',
  ' ',
  'x'.repeat(100_000),
  '\u0000',
  'a\u0000b',
  '\u202e\u200b\ufeff',
  '𝕏💥👩‍👩‍👧',
  '\ud800',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '%00%ff',
  '(?:a|a)*b',
  '{__name__=~"(?:[a-z_]|[a-z_])*!"}',
  'Infinity',
  'NaN',
  '-1',
  '1e309',
  '0x1F',
  '__proto__',
  'constructor',
];
const HOSTILE_NUMBERS = [-1, 0, 1.5, -0.5, 2 ** 53, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2];
const HOSTILE_VALUES: unknown[] = [null, true, false, [], {}, [null], { __proto__: { admin: true } }, { constructor: { prototype: { x: 1 } } }];
/** JSON cannot carry non-finite numbers, so they go in as raw text. */
const NON_FINITE_JSON = ['1e999', '-1e999', 'NaN', 'Infinity', '99999999999999999999999999'];

function typeOf(schema: Schema): string | undefined {
  return Array.isArray(schema.type) ? schema.type[0] : schema.type;
}

/** A plausible value of the schema (not always valid: patterns are not inverted). */
function sample(schema: Schema, random: Random, depth = 0): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return random.pick(schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants?.length) return sample(random.pick(variants), random, depth);
  switch (typeOf(schema)) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(name) || random.chance(0.5)) result[name] = depth > 4 ? null : sample(property, random, depth + 1);
      }
      const pattern = schema.patternProperties ? Object.values(schema.patternProperties)[0] : undefined;
      if (pattern && random.chance(0.7)) result[`k${random.int(9)}`] = sample(pattern, random, depth + 1);
      return result;
    }
    case 'array': {
      const items = Array.isArray(schema.items) ? schema.items : null;
      if (items) return items.map((item) => sample(item, random, depth + 1));
      const count = Math.max(schema.minItems ?? 0, random.int(3));
      return Array.from({ length: count }, () => (schema.items && depth < 5 ? sample(schema.items as Schema, random, depth + 1) : null));
    }
    case 'integer':
    case 'number': {
      const low = schema.minimum ?? 0;
      const high = Math.min(schema.maximum ?? low + 1000, low + 1000);
      return low + random.int(Math.max(1, high - low + 1));
    }
    case 'boolean':
      return random.chance(0.5);
    case 'string':
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1)).slice(0, 64) + (random.chance(0.5) ? '' : `-${random.int(1000)}`);
    default:
      return null;
  }
}

function hostileValue(random: Random): unknown {
  const kind = random.int(3);
  if (kind === 0) return random.pick(HOSTILE_STRINGS);
  if (kind === 1) return random.pick(HOSTILE_NUMBERS);
  return random.pick(HOSTILE_VALUES);
}

/** One hostile change somewhere in the value: replace, delete or add a field. */
function mutate(value: unknown, random: Random): unknown {
  if (value === null || typeof value !== 'object' || random.chance(0.15)) return hostileValue(random);
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const action = random.int(4);
  if (action === 0 || keys.length === 0) {
    (copy as Record<string, unknown>)[random.pick(['unexpected', '__proto__', 'constructor', 'x'.repeat(300)])] = hostileValue(random);
    return copy;
  }
  const key = random.pick(keys);
  if (action === 1 && !Array.isArray(copy)) {
    delete copy[key];
    return copy;
  }
  (copy as Record<string, unknown>)[key] = action === 2 ? hostileValue(random) : mutate((copy as Record<string, unknown>)[key], random);
  return copy;
}

/** encodeURIComponent throws on lone surrogates; the raw ones still go in through the query and bodies. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

describe('fuzzing every route of the OpenAPI document', () => {
  let server: TestServer;
  let routes: Route[];
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    // Rate limits would turn most auth requests into 429 before they reach the code under test.
    server = await startTestServer({ config: { authRateLimitPerMinute: 100_000, lockoutFailuresPerUser: 100_000, lockoutFailuresPerIp: 100_000 } });
    for (const role of ROLES) tokens.set(role, await server.tokenFor(role));
    const doc = (await server.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> };
    routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        // The event stream answers a valid request with a response that never ends; its
        // refusals are covered by the stream tests.
        .filter(() => path !== '/api/v1/stream')
        .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
    );
  });
  afterAll(() => server.close());

  async function signInAgain(role: Role): Promise<void> {
    const users = (await server.app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${tokens.get('admin')}` } })).json() as { users?: Array<{ id: number; disabled: boolean }> };
    for (const user of users.users ?? []) {
      if (user.disabled) await server.app.inject({ method: 'PATCH', url: `/api/v1/users/${user.id}`, headers: { authorization: `Bearer ${tokens.get('admin')}` }, payload: { disabled: false } });
    }
    const username = role === 'admin' ? 'admin' : `test-${role}`;
    const password = role === 'admin' ? TEST_ADMIN_PASSWORD : `test-${role}-password-1`;
    const login = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    if (login.statusCode === 200) tokens.set(role, (login.json() as { accessToken: string }).accessToken);
  }

  it(`answers ${REQUESTS} hostile requests without a 5xx and keeps serving`, async () => {
    expect(routes.length).toBeGreaterThan(40);
    const random = prng(SEED);
    const who: Array<Role | null> = [...ROLES, null];
    const problems: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const route = routes[i % routes.length]!;
      const role = who[Math.floor(i / routes.length) % who.length]!;
      const parameters = route.operation.parameters ?? [];
      const hostilePart = random.pick(['path', 'query', 'body', 'body', 'none']);

      let url = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        const schema = parameters.find((p) => p.in === 'path' && p.name === name)?.schema ?? { type: 'integer' };
        const value = hostilePart === 'path' && random.chance(0.7) ? hostileValue(random) : sample(schema, random);
        return encodeURIComponent(wellFormed(textOf(value).slice(0, 2000)));
      });
      const query = new URLSearchParams();
      for (const parameter of parameters.filter((p) => p.in === 'query')) {
        if (!parameter.required && random.chance(0.5)) continue;
        const value = hostilePart === 'query' && random.chance(0.5) ? hostileValue(random) : sample(parameter.schema, random);
        query.append(parameter.name, textOf(value).slice(0, 10_000));
      }
      if (hostilePart === 'query' && random.chance(0.3)) query.append(random.pick(['access_token', 'ticket', 'unexpected', 'limit', 'offset']), random.pick(HOSTILE_STRINGS).slice(0, 1000));
      if (query.size > 0) url += `?${query.toString()}`;

      const bodySchema = route.operation.requestBody?.content?.['application/json']?.schema;
      let payload: string | undefined;
      if (bodySchema || ['POST', 'PUT', 'PATCH'].includes(route.method)) {
        const valid = bodySchema ? sample(bodySchema, random) : {};
        if (hostilePart === 'body' && random.chance(0.15)) {
          payload = JSON.stringify(valid).replace(/(:)(-?\d+(?:\.\d+)?)/, `$1${random.pick(NON_FINITE_JSON)}`);
          if (!/1e999|NaN|Infinity|9999/.test(payload)) payload = `{"x":${random.pick(NON_FINITE_JSON)}}`;
        } else {
          payload = JSON.stringify(hostilePart === 'body' ? mutate(valid, random) : valid);
        }
      }
      const headers: Record<string, string> = {};
      if (role) headers.authorization = `Bearer ${tokens.get(role)}`;
      if (payload !== undefined) headers['content-type'] = 'application/json';
      const response = await server.app.inject({ method: route.method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
      if (response.statusCode >= 500) {
        problems.push(`${route.method} ${url.slice(0, 200)} as ${role ?? 'anonymous'} -> ${response.statusCode} ${response.body.slice(0, 200)} body=${(payload ?? '').slice(0, 300)}`);
      } else if (response.statusCode >= 400 && !(response.json() as { error?: { code?: string } }).error?.code) {
        problems.push(`${route.method} ${url.slice(0, 200)} -> ${response.statusCode} without our error shape: ${response.body.slice(0, 200)}`);
      }
      // A refused token (the fuzzer disabled a user or reset a password) is not a finding: re-enable and sign in again.
      if (role && response.statusCode === 401) await signInAgain(role);
      if (i % 500 === 499) expect((await server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    }
    expect(problems).toEqual([]);
    expect((await server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    // A ceiling for a loaded machine (argon2 on every login attempt), not a performance claim.
  }, 900_000);
});

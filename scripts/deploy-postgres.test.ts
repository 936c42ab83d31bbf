import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../server/src/config.ts';
import { databaseSettings } from '../server/src/db/database-url.ts';
import { startTestServer } from '../server/src/testing/test-server.ts';

// compose.yml's `postgres` profile (PostgreSQL, two replicas, nginx) checked with what runs
// here: Docker does not, so the file's shape and the values the server will read are asserted.
type Service = {
  profiles?: string[];
  image?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
  volumes?: string[];
  ports?: string[];
};
const compose = parse(fs.readFileSync('deploy/compose.yml', 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const nginx = fs.readFileSync('deploy/nginx-replicas.conf', 'utf8');
const replicas = ['server-a', 'server-b'];
const profile = ['postgres', ...replicas, 'proxy'];

/** Compose's `${NAME:?message}` / `${NAME:-default}` interpolation, with the values of a sample .env. */
const interpolate = (value: string, env: Record<string, string>) =>
  value.replace(/\$\{(\w+)(?::[?-][^}]*)?\}/g, (_match, name: string) => {
    if (!(name in env)) throw new Error(`sample .env lacks ${name}`);
    return env[name]!;
  });
const dotEnv = { POSTGRES_PASSWORD: 'pgsecret123', SMARTCLOUDOPS_ADMIN_PASSWORD: 'a-long-password' };

/**
 * The X-Forwarded-For nginx sends for each `proxy_set_header X-Forwarded-For <variable>;`
 * of the file, as nginx's documentation defines the two variables used for it:
 * `$remote_addr` is the address of nginx's peer, `$proxy_add_x_forwarded_for` the
 * client's own X-Forwarded-For with that address appended.
 */
function forwardedByNginx(sent: string | undefined, peer: string): string[] {
  return [...nginx.matchAll(/proxy_set_header X-Forwarded-For (\S+);/g)].map(([, variable]) => {
    if (variable === '$remote_addr') return peer;
    if (variable === '$proxy_add_x_forwarded_for') return sent === undefined ? peer : `${sent}, ${peer}`;
    throw new Error(`no model of nginx's ${variable}`);
  });
}

describe('deploy/compose.yml postgres profile', () => {
  it('puts PostgreSQL, two replicas and the proxy in the profile, and nothing of the default stack', () => {
    for (const name of profile) expect(compose.services[name]?.profiles, name).toEqual(['postgres']);
    for (const [name, service] of Object.entries(compose.services)) if (!profile.includes(name)) expect(service.profiles, name).toBeUndefined();
    for (const volume of ['postgres-data', 'replica-data']) expect(compose.volumes).toHaveProperty(volume);
  });

  it('PostgreSQL reports health with pg_isready and the replicas wait for it', () => {
    const postgres = compose.services.postgres!;
    expect(postgres.image).toMatch(/^postgres:\d+/);
    expect(postgres.healthcheck!.test).toContain('pg_isready');
    for (const name of replicas) expect(compose.services[name]!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('each replica gets a valid configuration pointing at the postgres service and its credentials', () => {
    const postgres = compose.services.postgres!.environment!;
    for (const name of replicas) {
      const service = compose.services[name]!;
      const env = Object.fromEntries(Object.entries(service.environment!).map(([key, value]) => [key, interpolate(value, dotEnv)]));
      expect(() => loadConfig({ ...env, SMARTCLOUDOPS_HOST: '0.0.0.0', SMARTCLOUDOPS_DATA_DIR: '/data' })).not.toThrow();
      expect(databaseSettings(env, '/data')).toMatchObject({
        dialect: 'postgres',
        host: 'postgres',
        port: 5432,
        user: postgres.POSTGRES_USER,
        database: postgres.POSTGRES_DB,
        password: interpolate(postgres.POSTGRES_PASSWORD!, dotEnv),
      });
      // Shared data folder: the features not yet on PostgreSQL use its SQLite file.
      expect(service.volumes).toEqual(['replica-data:/data']);
      expect(service.ports).toBeUndefined();
      // Reached only through nginx: lockout and audit see the client from X-Forwarded-For.
      expect(loadConfig(env).trustProxy).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
    }
  });

  // Every client of the published port reaches nginx from Docker's bridge gateway, an address
  // the replicas trust (a private range): with the client's own X-Forwarded-For passed on in
  // front of it, the replicas took whatever the client wrote there as its address, and a
  // new one per attempt escaped the per-address lockout and rate limits.
  it('a client cannot choose the address the replicas see through nginx', async () => {
    const env = Object.fromEntries(Object.entries(compose.services['server-a']!.environment!).map(([key, value]) => [key, interpolate(value, dotEnv)]));
    const server = await startTestServer({ config: { trustProxy: loadConfig(env).trustProxy, lockoutFailuresPerIp: 3, lockoutFailuresPerUser: 100 } });
    try {
      const [nginxAddress, gateway] = ['172.18.0.5', '172.18.0.1'];
      const attempt = async (n: number) => {
        const forwarded = forwardedByNginx(`203.0.113.${n}`, gateway);
        expect(new Set(forwarded).size).toBe(1);
        return server.app.inject({
          method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ghost', password: 'wrong-password' },
          remoteAddress: nginxAddress, headers: { 'x-forwarded-for': forwarded[0]! },
        });
      };
      for (let n = 1; n <= 3; n++) expect((await attempt(n)).statusCode).toBe(401);
      const locked = await attempt(4);
      expect(locked.statusCode).toBe(429);
      expect((locked.json() as { error: { code: string } }).error.code).toBe('E_LOCKED_OUT');
      expect(new Set((await server.app.ctx.audit.query({ action: 'auth.login' })).map((entry) => entry.ip))).toEqual(new Set([gateway]));
    } finally {
      await server.close();
    }
  }, 120_000);

  it('nginx balances over both replicas, passes the client address, and does not buffer the event stream', () => {
    const proxy = compose.services.proxy!;
    expect(proxy.volumes).toContain('./nginx-replicas.conf:/etc/nginx/conf.d/default.conf:ro');
    const listen = /listen (\d+);/.exec(nginx)![1];
    expect(proxy.ports).toEqual([`127.0.0.1:8788:${listen}`]);
    const upstream = /upstream smartcloudops \{([^}]*)\}/.exec(nginx)![1]!;
    expect([...upstream.matchAll(/server ([\w-]+):(\d+)/g)].map((m) => `${m[1]}:${m[2]}`)).toEqual(replicas.map((r) => `${r}:8787`));
    expect(nginx.match(/proxy_set_header X-Forwarded-For \$remote_addr;/g)).toHaveLength(2);
    const stream = /location \/api\/v1\/stream \{([^}]*)\}/.exec(nginx)![1]!;
    expect(stream).toContain('proxy_buffering off;');
    expect(stream).toMatch(/proxy_read_timeout \d+[hm];/);
    // Braces balance: a typo here would stop nginx from starting.
    expect(nginx.split('{').length).toBe(nginx.split('}').length);
  });
});

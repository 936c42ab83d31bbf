import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildServer, type BuildServerOptions } from '../app.ts';
import type { Role } from '../../../shared/auth/permissions.ts';
import { UserStore } from '../users/store.ts';
import { UserRepository } from '../users/repository.ts';
import { hashPassword } from '../users/passwords.ts';
import { routePath } from '../../../shared/api/client.ts';
import { authRoutes } from '../../../shared/api/auth.ts';
import { postgresPassDatabase } from './postgres-pass.ts';

export const TEST_ADMIN_PASSWORD = 'test-admin-password-1';

/** The PostgreSQL pass's database of each data folder (see postgres-pass.ts). */
const passDatabases = new Map<string, string>();

export interface TestServer {
  app: FastifyInstance;
  dataDir: string;
  /** Base URL when started with `listen: true`. */
  url: string;
  /** An access token for a (created on demand) user of that role. */
  tokenFor(role: Role): Promise<string>;
  /** inject() with a bearer token for the given role. */
  injectAs(role: Role | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * A real server on a fresh temporary data folder (real SQLite, real auth), for
 * integration tests. `listen: true` also binds 127.0.0.1 on a free port.
 */
export async function startTestServer(options: BuildServerOptions & { listen?: boolean; dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sco-test-'));
  // In the PostgreSQL pass a server without a database of its own gets a new one.
  const env = options.env ?? process.env;
  // A restart on the same data folder finds the same database.
  const database = env.SMARTCLOUDOPS_DATABASE_URL ? undefined : (passDatabases.get(dataDir) ?? (await postgresPassDatabase()));
  if (database) passDatabases.set(dataDir, database);
  const app = await buildServer({
    ...options,
    ...(database ? { env: { ...env, SMARTCLOUDOPS_DATABASE_URL: database } } : {}),
    config: { logLevel: 'silent', collectIntervalSeconds: 0, adminPassword: TEST_ADMIN_PASSWORD, ...options.config, dataDir },
  });
  let url = '';
  if (options.listen) url = await app.listen({ host: '127.0.0.1', port: 0 });
  const tokens = new Map<Role, string>();
  const users = new UserRepository(app.ctx.sql, new UserStore(app.ctx.db));

  async function tokenFor(role: Role): Promise<string> {
    const cached = tokens.get(role);
    if (cached) return cached;
    const username = role === 'admin' ? 'admin' : `test-${role}`;
    const password = role === 'admin' ? TEST_ADMIN_PASSWORD : `test-${role}-password-1`;
    if (!(await users.byUsername(username))) await users.create({ username, passwordHash: await hashPassword(password), role, mustChangePassword: false });
    const response = await app.inject({ method: 'POST', url: routePath(authRoutes.login), payload: { username, password } });
    if (response.statusCode !== 200) throw new Error(`test login as ${role} failed: ${response.body}`);
    const token = (response.json() as { accessToken: string }).accessToken;
    tokens.set(role, token);
    return token;
  }

  return {
    app,
    dataDir,
    url,
    tokenFor,
    async injectAs(role, injectOptions) {
      const headers = { ...(injectOptions.headers ?? {}) } as Record<string, string>;
      if (role) headers.authorization = `Bearer ${await tokenFor(role)}`;
      return app.inject({ ...injectOptions, headers });
    },
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../shared/api/client.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

describe('server version', () => {
  let server: TestServer;
  afterEach(() => server.close());
  const { version } = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };

  it('is answered without signing in, through the derived client, and by /health', async () => {
    server = await startTestServer();
    const api = createApiClient(async ({ method, path }) => (await server.app.inject({ method, url: path })).json());
    await expect(api.server.version()).resolves.toEqual({ name: 'smartcloudops-server', version, node: process.versions.node });
    expect((await server.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok', version });
  });
});

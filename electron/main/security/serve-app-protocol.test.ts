import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Protocol } from 'electron';
import { afterAll, describe, expect, it } from 'vitest';
import { serveAppProtocol } from './serve-app-protocol.ts';

type Handler = (request: { url: string }) => Promise<Response>;

/** Electron's protocol module reduced to the one call serveAppProtocol makes. */
function registeredHandler(rendererDir: string): Handler {
  let registered: Handler | undefined;
  const protocol = { handle: (_scheme: string, handler: Handler) => (registered = handler) } as unknown as Protocol;
  serveAppProtocol(protocol, rendererDir, "default-src 'self'");
  return registered!;
}

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-app-protocol-'));
const renderer = path.join(folder, 'renderer');
fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>console</title>');
fs.writeFileSync(path.join(renderer, 'assets', 'main.js'), 'console.log(1)');
fs.writeFileSync(path.join(folder, 'secret.txt'), 'outside the build');
fs.symlinkSync(path.join(folder, 'secret.txt'), path.join(renderer, 'assets', 'leak.js'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

describe('serving app://console', () => {
  const serve = registeredHandler(renderer);

  it('serves the build with the CSP and without sniffing', async () => {
    const response = await serve({ url: 'app://console/assets/main.js' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log(1)');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await (await serve({ url: 'app://console/alerts' })).text()).toContain('<title>console</title>');
  });

  it('refuses a symlink that leads out of the build, traversal and missing files', async () => {
    expect((await serve({ url: 'app://console/assets/leak.js' })).status).toBe(403);
    expect((await serve({ url: 'app://console/%2e%2e/secret.txt' })).status).toBe(403);
    expect((await serve({ url: 'app://console/assets/missing.js' })).status).toBe(404);
  });
});

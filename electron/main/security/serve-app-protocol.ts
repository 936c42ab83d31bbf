import fs from 'node:fs/promises';
import type { Protocol } from 'electron';
import { APP_SCHEME, contentTypeOf, isInside, resolveAppAsset } from './app-protocol.ts';

/**
 * Serves the renderer build at `app://console/` with the CSP as a response header. The
 * resolved path is checked again after symlinks are followed, so a link inside the
 * build cannot expose a file outside it.
 */
export function serveAppProtocol(protocol: Protocol, rendererDir: string, contentSecurityPolicy: string): void {
  const headers = (contentType: string) => ({
    'content-type': contentType,
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  });
  protocol.handle(APP_SCHEME, async (request) => {
    const resolved = resolveAppAsset(rendererDir, request.url);
    if (resolved.kind === 'refused') return new Response(null, { status: resolved.status });
    try {
      const root = await fs.realpath(rendererDir);
      const real = await fs.realpath(resolved.path);
      if (!isInside(root, real)) return new Response(null, { status: 403 });
      return new Response(await fs.readFile(real), { status: 200, headers: headers(contentTypeOf(real)) });
    } catch {
      return new Response(null, { status: 404 });
    }
  });
}

/** Must run before the app is ready: `app:` behaves like https (origin, fetch, storage). */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

import path from 'node:path';

/** The console is served from `app://console/`, never from `file://`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export type AssetResolution = { kind: 'file'; path: string } | { kind: 'refused'; status: 400 | 403 | 404 };

/** True when `candidate` is `root` or below it (both absolute, normalized). */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Maps an `app://console/...` request to a file below the renderer build folder.
 * Anything that could leave the folder is refused: another host, encoded separators,
 * backslashes, NUL bytes, `..` segments. Paths without an extension are client-side
 * routes and get the index page.
 */
export function resolveAppAsset(rootDir: string, requestUrl: string): AssetResolution {
  // The URL parser would silently resolve dot segments; a request that has them is not ours.
  if (/(^|[/\\])(\.|%2e){1,2}([/\\?#]|$)/i.test(requestUrl.replace(/^[a-z]+:\/\/[^/]*/i, ''))) return { kind: 'refused', status: 403 };
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { kind: 'refused', status: 400 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { kind: 'refused', status: 403 };
  if (/%2f|%5c|%00/i.test(url.pathname)) return { kind: 'refused', status: 403 };
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { kind: 'refused', status: 400 };
  }
  if (pathname.includes('\\') || pathname.includes('\0')) return { kind: 'refused', status: 403 };
  if (pathname.split('/').includes('..')) return { kind: 'refused', status: 403 };

  const root = path.resolve(rootDir);
  const relative = pathname === '/' || path.posix.extname(pathname) === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const resolved = path.resolve(root, relative);
  if (!isInside(root, resolved) || resolved === root) return { kind: 'refused', status: 403 };
  return { kind: 'file', path: resolved };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { AppError } from '../../../shared/errors.ts';
import { isApiPath } from './api-path.ts';

export interface WebConsoleOptions {
  /** Folder of the built web console (`out/web`): index.html and hashed assets/. */
  webRoot: string;
}

/** Vite names every asset after its content hash, so a year-long cache is safe. */
const HASHED_ASSET = /[\\/]assets[\\/]/;

/**
 * Whether the file at a URL path of the web root (`root`, its real path) really lies inside it once symbolic links
 * are resolved (a link within the root, a deploy's alias, is fine). The answers are kept:
 * the files are the build's, one route each, so there are as many as files.
 */
function insideWebRoot(root: string): (pathname: string) => boolean {
  const known = new Map<string, boolean>();
  return (pathname) => {
    let answer = known.get(pathname);
    if (answer === undefined) {
      answer = realPathInside(root, pathname) !== undefined;
      if (known.size < 100_000) known.set(pathname, answer);
    }
    return answer;
  };
}

/** The real path (links resolved) at URL path `pathname` of `root`, if it is `root` or inside it. */
function realPathInside(root: string, pathname: string): string | undefined {
  if (pathname.includes('\0')) return undefined;
  try {
    const real = fs.realpathSync(path.join(root, path.normalize(`/${pathname}`)));
    return real === root || real.startsWith(root + path.sep) ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A regular file inside `root` at URL path `pathname`, relative to `root`; undefined for
 * anything else. Asked anew each time: for files written since the start, which come and go.
 */
function realFileInside(root: string, pathname: string): string | undefined {
  const real = realPathInside(root, pathname);
  try {
    return real !== undefined && real !== root && fs.statSync(real).isFile() ? path.relative(root, real) : undefined;
  } catch {
    return undefined;
  }
}

/** A URL's path, percent-decoded; undefined when it does not decode. */
function decodedPath(url: string): string | undefined {
  try {
    return decodeURIComponent(url.split('?')[0]!);
  } catch {
    return undefined;
  }
}

/**
 * Serves the web console at `/`. Files are routed one by one (so API and health routes keep
 * priority), and any other GET outside /api answers index.html: the console routes in the
 * URL hash, but a bookmarked or reloaded path must still land on the app, not on a 404.
 * Files written after the start (the console rebuilt or upgraded in place: new hashed names)
 * are served by that fallback, and a build file that is not there is a 404, not the page:
 * the browser would refuse HTML as the script and show a blank console. So is any spelling
 * of an API path (`/api`, `/API/…`, `//api/…`; api-path.ts).
 */
export const webConsole: FastifyPluginAsync<WebConsoleOptions> = async (app, { webRoot }) => {
  if (!fs.existsSync(path.join(webRoot, 'index.html'))) {
    app.log.warn({ webRoot }, 'web console not built: no index.html in SMARTCLOUDOPS_WEB_ROOT');
    return;
  }
  const root = fs.realpathSync(webRoot);
  const inside = insideWebRoot(root);
  await app.register(fastifyStatic, {
    root: webRoot,
    // A symbolic link in the web root was followed wherever it led (/etc/passwd, a whole
    // folder): only files really inside the root are served, anything else is a 404.
    allowedPath: (pathname) => inside(pathname),
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    setHeaders(reply, filePath) {
      void reply.header('cache-control', HASHED_ASSET.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const pathname = decodedPath(request.url);
    if (isApiPath(pathname ?? request.url.split('?')[0]!)) throw new AppError('E_NOT_FOUND', `No route GET ${request.url.split('?')[0]}`);
    const built = pathname === undefined ? undefined : realFileInside(root, pathname);
    if (built !== undefined) return reply.sendFile(built);
    if (HASHED_ASSET.test(pathname ?? request.url)) throw new AppError('E_NOT_FOUND', `No file ${request.url.split('?')[0]} in the web console's build`);
    return reply.sendFile('index.html');
  });
};

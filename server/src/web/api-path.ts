import path from 'node:path';

/**
 * Whether a decoded URL path names the API (`/api` or below) however it is spelt: any case,
 * repeated slashes, dot segments. The console's fallback must not answer such a path with
 * its page (200, HTML): a client or a proxy's rewrite asking for the API under a variant of
 * its path would read the page as an answer, or fail to parse it, instead of a 404.
 */
export function isApiPath(pathname: string): boolean {
  const folded = path.posix.normalize(pathname).toLowerCase();
  return folded === '/api' || folded.startsWith('/api/');
}

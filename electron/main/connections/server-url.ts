import { AppError } from '../../../shared/errors.ts';

/**
 * The base URL of a server profile: http or https, a host, optionally a path prefix (a
 * reverse proxy), never credentials, a query or a fragment. Returned without a trailing
 * slash so API paths can be appended.
 */
export function normalizeServerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError('E_VALIDATION', 'The server URL is not a URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AppError('E_VALIDATION', 'The server URL must start with https:// or http://.');
  if (url.username || url.password) throw new AppError('E_VALIDATION', 'Put credentials in the sign-in form, not in the URL.');
  // An empty query or fragment ('https://host/?') leaves search and hash empty but stays in
  // the href, where API paths appended to it would land in the query; the path itself can
  // hold neither character unescaped.
  if (/[?#]/.test(url.href)) throw new AppError('E_VALIDATION', 'The server URL may not have a query or fragment.');
  if (!url.hostname) throw new AppError('E_VALIDATION', 'The server URL has no host.');
  return url.href.replace(/\/+$/, '');
}

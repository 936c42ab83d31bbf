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
  if (url.search || url.hash) throw new AppError('E_VALIDATION', 'The server URL may not have a query or fragment.');
  if (!url.hostname) throw new AppError('E_VALIDATION', 'The server URL has no host.');
  return url.href.replace(/\/+$/, '');
}

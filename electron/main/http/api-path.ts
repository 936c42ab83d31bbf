import { AppError } from '../../../shared/errors.ts';
import { API_PREFIX } from '../../../shared/api/client.ts';

/**
 * The contract's pattern already pins requests to the API prefix; this refuses what a
 * pattern cannot see: dot segments (literal or escaped) and empty segments, which could
 * walk out of the API prefix once the server or a proxy normalizes the path.
 */
export function assertApiPath(path: string): string {
  const segments = path.split('/').slice(1);
  for (const segment of segments.slice(0, -1)) {
    if (segment === '') throw new AppError('E_VALIDATION', 'The API path has an empty segment.');
  }
  for (const segment of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new AppError('E_VALIDATION', 'The API path has a malformed escape.');
    }
    if (decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\')) throw new AppError('E_VALIDATION', `The API path may not leave ${API_PREFIX}/.`);
  }
  return path;
}

/**
 * The route a checked API path reaches: every segment's escapes decoded, as the server's
 * router decodes them (`/api/v1/auth/%6cogin` is `/api/v1/auth/login` there), without a
 * trailing slash. What main decides by path (its token endpoints) is decided on this.
 */
export function apiRouteOf(path: string): string {
  return assertApiPath(path)
    .split('/')
    .map((segment) => decodeURIComponent(segment))
    .join('/')
    .replace(/\/$/, '');
}

import { isAxiosError } from 'axios';
import { AppError, type ErrorCode } from '../../../shared/errors.ts';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EPIPE', 'ERR_NETWORK', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_TIMEOUT']);
const TLS_CODES = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_|ERR_SSL_|EPROTO)/;

function statusCode(status: number): ErrorCode {
  if (status === 401) return 'E_AUTH_REQUIRED';
  if (status === 403) return 'E_FORBIDDEN';
  if (status === 404) return 'E_NOT_FOUND';
  if (status === 409) return 'E_CONFLICT';
  if (status === 413) return 'E_PAYLOAD_TOO_LARGE';
  if (status === 429) return 'E_RATE_LIMITED';
  if (status === 502 || status === 503) return 'E_UNAVAILABLE';
  if (status === 504) return 'E_TIMEOUT';
  if (status >= 500) return 'E_INTERNAL';
  return 'E_BAD_REQUEST';
}

/**
 * Any failure of a request to a server, as a catalogue error: the server's own error
 * body when it sent one, else a code for the status, the network, the TLS handshake or
 * the timeout. Messages never include request headers (they carry the bearer token).
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (!isAxiosError(error)) return new AppError('E_INTERNAL');
  if (error.code === 'ERR_BAD_RESPONSE' && error.message.startsWith('maxContentLength')) {
    return new AppError('E_PAYLOAD_TOO_LARGE', "The server's answer is larger than the app accepts.");
  }
  if (error.response) {
    const { status } = error.response;
    if (status >= 300 && status < 400) return redirected(status, error.response.headers?.location, error.config?.url, error.config?.baseURL);
    return AppError.fromBody(error.response.data) ?? new AppError(statusCode(status), undefined, { status });
  }
  if (error.code === 'ERR_CANCELED') return new AppError('E_CANCELLED');
  const cause = (error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.code ?? '';
  if (TLS_CODES.test(cause)) return new AppError('E_NETWORK', 'The server certificate is not trusted.', { reason: 'tls', cause });
  if (TIMEOUT_CODES.has(cause) || TIMEOUT_CODES.has(error.code ?? '')) return new AppError('E_TIMEOUT', 'The server did not answer in time.', { cause });
  if (NETWORK_CODES.has(cause)) return new AppError('E_NETWORK', undefined, { cause });
  return new AppError('E_NETWORK', undefined, { cause: cause || error.message });
}

/**
 * Redirects are never followed (a bearer token must not go to another host), but an admin
 * must learn where the server says it is: a proxy sending http to https, a moved host.
 * Only the target's origin and path are told, never its query (it may carry a session).
 */
function redirected(status: number, location: unknown, url: string | undefined, baseURL: string | undefined): AppError {
  let target: URL | null = null;
  try {
    if (typeof location === 'string' && location !== '') target = new URL(location, new URL(url ?? '', baseURL));
  } catch {
    target = null;
  }
  if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:')) {
    return new AppError('E_BAD_REQUEST', 'The server answers with a redirect; the app does not follow redirects. Check the server URL.', { status, reason: 'redirect' });
  }
  const shown = `${target.protocol}//${target.host}${target.pathname}`;
  return new AppError('E_BAD_REQUEST', `The server redirects to ${target.protocol}//${target.host}; the app does not follow redirects. Use the address it redirects to as the server URL.`, {
    status,
    reason: 'redirect',
    location: shown,
  });
}

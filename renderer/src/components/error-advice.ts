import type { ErrorCode } from '../../../shared/errors.ts';

/** What a person can do about each error, in one sentence. */
const ADVICE: Partial<Record<ErrorCode, string>> = {
  E_AUTH_REQUIRED: 'Your session has ended. Sign in again.',
  E_AUTH_EXPIRED: 'Your session has expired. Sign in again.',
  E_TOKEN_INVALID: 'Your session was revoked. Sign in again.',
  E_AUTH_INVALID: 'Check the username and password.',
  E_PASSWORD_CHANGE_REQUIRED: 'Choose a new password to continue.',
  E_FORBIDDEN: 'Your role does not allow this. Ask an administrator.',
  E_NOT_FOUND: 'It may have been deleted, or this server does not offer it yet.',
  E_VALIDATION: 'Correct the highlighted values and try again.',
  E_CONFLICT: 'Someone changed this meanwhile. Reload and try again.',
  E_RATE_LIMITED: 'Wait a few seconds, then retry.',
  E_LOCKED_OUT: 'Too many failed attempts. Wait a few minutes, or ask an administrator.',
  // Shown after the error's message, which already says the server cannot be reached.
  E_NETWORK: 'Check that the server is running and your network is up.',
  E_TIMEOUT: 'The server is slow to answer. Retry, or narrow the time range.',
  E_UNAVAILABLE: 'The server is starting or overloaded. Retry in a moment.',
  E_INTERNAL: 'The server failed. Retry; if it persists, check the server log.',
};

export function adviceFor(code: string): string {
  return ADVICE[code as ErrorCode] ?? 'Retry, and check the server log if it persists.';
}

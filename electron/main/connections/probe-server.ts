import { AppError } from '../../../shared/errors.ts';
import type { ConnectionTestResult, TlsOptions } from '../../../shared/ipc/channels/connections.ts';
import { createServerAxios } from '../http/create-axios.ts';
import { toAppError } from '../http/map-error.ts';

/**
 * "Test connection": reaches the server's unauthenticated /health with the profile's
 * TLS options, so a wrong URL, an untrusted certificate and a server that is not ours
 * are told apart before anyone types a password.
 */
export async function probeServer(url: string, tls: TlsOptions): Promise<ConnectionTestResult> {
  let body: unknown;
  try {
    body = (await createServerAxios(url, tls).get('/health')).data;
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code === 'E_NOT_FOUND') throw new AppError('E_NOT_FOUND', 'No SmartCloudOps server answers at this URL.');
    throw appError;
  }
  const health = body as { status?: unknown; version?: unknown } | null;
  if (health?.status !== 'ok' || typeof health.version !== 'string') throw new AppError('E_BAD_REQUEST', 'The URL answers, but not as a SmartCloudOps server.');
  return { serverVersion: health.version, secure: new URL(url).protocol === 'https:' };
}

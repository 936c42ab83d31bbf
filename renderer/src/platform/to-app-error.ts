import { isAxiosError } from 'axios';
import { AppError } from '../../../shared/errors.ts';
import { isChunkLoadError } from '../lib/lazy-view.tsx';

/** Every failure the views see is an AppError with a catalogue code, whatever the cause. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isAxiosError(error)) {
    const fromBody = AppError.fromBody(error.response?.data);
    if (fromBody) return fromBody;
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') return new AppError('E_TIMEOUT');
    if (error.code === 'ERR_CANCELED') return new AppError('E_CANCELLED');
    if (!error.response) return new AppError('E_NETWORK');
    return new AppError(error.response.status >= 500 ? 'E_INTERNAL' : 'E_BAD_REQUEST', `HTTP ${error.response.status}`);
  }
  // A view's code that did not arrive is the network's doing, not a server bug to look for in its log.
  if (isChunkLoadError(error)) return new AppError('E_NETWORK', "This page's code could not be fetched from the server.");
  return new AppError('E_INTERNAL', error instanceof Error ? error.message : String(error));
}

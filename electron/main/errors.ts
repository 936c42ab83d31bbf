import { AppError, type ErrorBody } from '../../shared/errors.ts';
import { cacheStorageError, isStorageFailure } from './cache/cache-database.ts';

/**
 * The catalogue body for anything thrown in main. A storage failure of the local cache is
 * E_STORAGE_FULL with its SQLite code; other unknown errors become E_INTERNAL with
 * the generic message: their text may carry paths or secrets the renderer must not see.
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return error.toBody();
  // "Keep offline", a capsule import, a release on a full disk or a cache another process
  // holds: say so (the SQLite code, never the path), not "Internal error".
  if (isStorageFailure(error)) return cacheStorageError(error, 'free some space or close the other app, then try again').toBody();
  return new AppError('E_INTERNAL').toBody();
}

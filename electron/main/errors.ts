import { AppError, type ErrorBody } from '../../shared/errors.ts';

/**
 * The catalogue body for anything thrown in main. Unknown errors become E_INTERNAL with
 * the generic message: their text may carry paths or secrets the renderer must not see.
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return error.toBody();
  return new AppError('E_INTERNAL').toBody();
}

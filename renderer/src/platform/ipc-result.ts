import { AppError } from '../../../shared/errors.ts';
import type { IpcResult } from '../../../shared/ipc/result.ts';

/** Bridge calls resolve to data, never throw; views want an AppError thrown as usual. */
export async function unwrap<T>(call: Promise<IpcResult<T>>): Promise<T> {
  const result = await call;
  if (result.ok) return result.value;
  throw AppError.fromBody(result) ?? new AppError('E_INTERNAL', 'The desktop host returned an unknown error.');
}

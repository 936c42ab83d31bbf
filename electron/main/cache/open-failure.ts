import fs from 'node:fs';
import { AppError } from '../../../shared/errors.ts';

/** Below this much free space the disk is taken for full (SQLite's own code for it is not always FULL: a WAL index that cannot grow is an I/O error). */
const NEARLY_FULL_BYTES = 1_048_576;

/**
 * What the console says when a profile's cache cannot be opened (other than a newer
 * schema), with what the user can do about it: a full disk, a folder or file that cannot be
 * written, or anything else. The SQLite or file system code goes in `details.cause`; never
 * the path (the text is shown and logged).
 */
export function cacheOpenFailure(error: unknown, folder: string): AppError {
  const code = (error as { code?: unknown } | null)?.code;
  const cause = typeof code === 'string' ? code : undefined;
  const details = (reason: string) => ({ reason, ...(cause ? { cause } : {}) });
  const is = (...prefixes: string[]) => cause !== undefined && prefixes.some((prefix) => cause === prefix || cause.startsWith(`${prefix}_`));
  if (is('SQLITE_FULL', 'ENOSPC') || (is('SQLITE_IOERR') && freeBytes(folder) < NEARLY_FULL_BYTES)) {
    return new AppError('E_INTERNAL', "This server's offline cache cannot be written: the disk is full. Free some space, then select the server again.", details('disk-full'));
  }
  if (is('SQLITE_READONLY', 'SQLITE_CANTOPEN', 'EACCES', 'EPERM', 'EROFS')) {
    return new AppError('E_INTERNAL', "This server's offline cache cannot be written (a read-only disk, or the permissions of the app's data folder). Make that folder writable, then select the server again.", details('not-writable'));
  }
  return new AppError('E_INTERNAL', "This server's offline cache could not be opened. Select the server again to retry.", cause ? { cause } : undefined);
}

function freeBytes(folder: string): number {
  try {
    const stats = fs.statfsSync(folder);
    return stats.bavail * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

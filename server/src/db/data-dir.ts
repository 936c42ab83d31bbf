import fs from 'node:fs';
import path from 'node:path';
import { SetupError } from '../setup-error.ts';

/** The data folder cannot be created or written: start-up stops with what to do about it. */
export class DataDirError extends SetupError {
  constructor(dir: string, cause: NodeJS.ErrnoException) {
    super(
      `Cannot write the data folder ${dir} (${cause.code ?? cause.message}). ` +
        'Make it writable by the user running the server (for example: chown or chmod it), ' +
        'free space on its disk, or set SMARTCLOUDOPS_DATA_DIR to a writable folder.',
    );
    this.name = 'DataDirError';
  }
}

/**
 * Creates the data folder if needed and proves it takes a write (a probe file, removed
 * again), so an unwritable folder is reported by name at start-up instead of surfacing
 * later as a SQLite or key-file stack trace.
 */
export function ensureWritableDataDir(dir: string): void {
  const probe = path.join(dir, `.write-probe-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(probe, 'ok');
    fs.rmSync(probe, { force: true });
  } catch (error) {
    throw new DataDirError(dir, error as NodeJS.ErrnoException);
  }
}

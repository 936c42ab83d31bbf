import fs from 'node:fs';
import { AppError } from '../../../shared/errors.ts';
import type { CacheDb } from './cache-database.ts';

/**
 * Damage an open cannot see. Opening a cache reads its header and schema only, so a file
 * damaged further in (a bad sector, a copy torn in the middle of the samples) opened, and
 * every read of the damaged pages failed with SQLITE_CORRUPT, at every start, for good.
 * Once any statement meets such damage, a marker beside the file (`<file>.damaged`) asks
 * the next open to set the file aside and start an empty cache (local-cache.ts), and the
 * caller gets an error that says so instead of SQLite's.
 */
export class DamagedCacheError extends AppError {
  constructor() {
    super('E_INTERNAL', 'The local cache file is damaged. It is set aside and filled again from the server the next time the app opens this profile.', {
      reason: 'damaged-cache',
    });
    this.name = 'DamagedCacheError';
  }
}

export function damageMarker(file: string): string {
  return `${file}.damaged`;
}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/** Runs `work`; SQLite's corruption becomes a marker and `DamagedCacheError`. */
function guarded<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!isCorruption(error)) throw error;
    try {
      fs.writeFileSync(damageMarker(file), '');
    } catch {
      // A folder that cannot be written: the reads still say what is wrong.
    }
    throw new DamagedCacheError();
  }
}

type Method = (...args: unknown[]) => unknown;

/** Makes every statement of `db` (and `exec`, `pragma`) report damage as above. */
export function watchForDamage(db: CacheDb, file: string): void {
  const prepare = db.prepare.bind(db);
  const wrap = (target: object, names: readonly string[]) => {
    const methods = target as Record<string, Method>;
    for (const name of names) {
      const original = methods[name]!.bind(target);
      methods[name] = (...args: unknown[]) => guarded(file, () => original(...args));
    }
  };
  // The statements' chaining methods (pluck, raw, expand, safeIntegers) return the statement itself.
  db.prepare = ((source: string) => {
    const statement = guarded(file, () => prepare(source));
    wrap(statement, ['run', 'get', 'all']);
    // Rows are read as the iterator advances: each step is watched too.
    const iterate = (statement.iterate as Method).bind(statement);
    (statement as unknown as Record<string, Method>).iterate = (...args: unknown[]) => {
      const rows = guarded(file, () => iterate(...args)) as IterableIterator<unknown>;
      const watched: IterableIterator<unknown> = {
        next: () => guarded(file, () => rows.next()),
        return: (value?: unknown) => rows.return?.(value) ?? { done: true, value },
        [Symbol.iterator]: () => watched,
      };
      return watched;
    };
    return statement;
  }) as CacheDb['prepare'];
  wrap(db, ['exec', 'pragma']);
}

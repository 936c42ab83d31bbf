import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AppError } from '../../../shared/errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** How often the file is looked at between requests to /ready: the longest a write can still be acknowledged into a file that is gone. */
const CHECK_EVERY_MS = 1_000;
const GONE = 'The database file was moved, deleted or replaced while the server ran:';

export interface DatabaseFileStatus {
  ok: boolean;
  reason: string | null;
}

/**
 * The SQLite file the server opened must stay the file at its path. Moved, deleted or
 * replaced under a running server (a clean-up script, a backup restored over it), SQLite
 * goes on writing into the file it has open without a word: every write acknowledged after
 * that would be gone at the next start, or land in a file nobody opens. The watch compares
 * the path's device and inode with those seen at start-up, every second and at each /ready;
 * while they differ, writes are refused with 503 and /ready says not-ready with the reason.
 * The same file put back lifts both by itself; another file at the path needs a restart
 * (the server cannot take over a database it did not open).
 */
export class DatabaseFileWatch {
  readonly #file: string;
  readonly #log: Logger | undefined;
  readonly #identity: string;
  #reason: string | null = null;
  #timer: NodeJS.Timeout | undefined;

  constructor(file: string, log?: Logger) {
    this.#file = file;
    this.#log = log;
    this.#identity = identityOf(file) ?? '';
  }

  /** Looks at the path now; returns whether it is still the file the server has open. */
  check(): DatabaseFileStatus {
    const now = identityOf(this.#file);
    const reason =
      now === this.#identity
        ? null
        : now === null
          ? `${GONE} writes are refused until it is put back, or the server restarted.`
          : `${GONE} another file is in its place; writes are refused until the server is restarted to open it.`;
    if (reason !== this.#reason) {
      if (reason) this.#log?.error({ file: this.#file }, reason);
      else this.#log?.info({ file: this.#file }, 'the database file is back; accepting writes');
    }
    this.#reason = reason;
    return { ok: reason === null, reason };
  }

  start(): void {
    this.#timer ??= setInterval(() => this.check(), CHECK_EVERY_MS).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Refuses state-changing requests while the file at the path is not the one open. */
  install(app: FastifyInstance): void {
    // A callback hook on every request: a field read, no promise.
    app.addHook('onRequest', (request, _reply, done) => {
      if (this.#reason === null || SAFE_METHODS.has(request.method)) {
        done();
        return;
      }
      done(new AppError('E_UNAVAILABLE', this.#reason, { reason: 'database_file_missing' }));
    });
    app.addHook('onClose', async () => this.stop());
    this.start();
  }
}

/** Device and inode of the file at `file`, or null when there is none. */
function identityOf(file: string): string | null {
  const stats = fs.statSync(file, { throwIfNoEntry: false });
  return stats ? `${stats.dev}:${stats.ino}` : null;
}

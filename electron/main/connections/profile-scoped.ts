import { AppError } from '../../../shared/errors.ts';

export interface Closable {
  close(): Promise<void>;
}

type Current<T> = { profileId: string; value: T; started: boolean } | { profileId: string; failure: AppError };

/**
 * Something that exists once per selected server profile (its cache and sync engine):
 * opened when a profile becomes active, closed when another one does or none is left.
 * A profile whose value cannot be opened (its cache file unreadable, from a newer app, on
 * a read-only disk) is remembered with the failure, which `get()` answers; the next
 * `follow()` of that profile tries again, and other profiles are not affected.
 */
export class ProfileScoped<T extends Closable> {
  private readonly open: (profileId: string) => T;
  private current: Current<T> | null = null;
  /** Switches are serialized: a close must finish before the next profile's open. */
  private switching: Promise<void> = Promise.resolve();

  constructor(open: (profileId: string) => T) {
    this.open = open;
  }

  get(): T {
    if (!this.current) throw new AppError('E_AUTH_REQUIRED', 'No server is selected.');
    if ('failure' in this.current) throw this.current.failure;
    return this.current.value;
  }

  /** Never rejects: a failure to open is kept for `get()`, a failure to close is dropped. */
  follow(profileId: string | null): Promise<void> {
    this.switching = this.switching.then(async () => {
      if (this.current?.profileId === profileId && !('failure' in this.current)) return;
      const previous = this.current;
      this.current = null;
      if (previous && !('failure' in previous)) await previous.value.close().catch(() => undefined);
      if (profileId === null) return;
      try {
        this.current = { profileId, value: this.open(profileId), started: false };
      } catch (error) {
        this.current = { profileId, failure: openFailure(error) };
      }
    });
    return this.switching;
  }

  /** Runs `start` once for the current profile's value (e.g. when its session is first signed in). */
  startOnce(start: (value: T) => void): void {
    if (!this.current || 'failure' in this.current || this.current.started) return;
    this.current.started = true;
    start(this.current.value);
  }
}

/** An AppError keeps its code and message; anything else (its text may carry paths) a generic one. */
function openFailure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('E_INTERNAL', "This server's local data (its offline cache) could not be opened.");
}

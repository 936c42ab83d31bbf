import { AppError } from '../../../shared/errors.ts';

export interface Closable {
  close(): Promise<void>;
}

/**
 * Something that exists once per selected server profile (its cache and sync engine):
 * opened when a profile becomes active, closed when another one does or none is left.
 */
export class ProfileScoped<T extends Closable> {
  private readonly open: (profileId: string) => T;
  private current: { profileId: string; value: T; started: boolean } | null = null;
  /** Switches are serialized: a close must finish before the next profile's open. */
  private switching: Promise<void> = Promise.resolve();

  constructor(open: (profileId: string) => T) {
    this.open = open;
  }

  get(): T {
    if (!this.current) throw new AppError('E_AUTH_REQUIRED', 'No server is selected.');
    return this.current.value;
  }

  follow(profileId: string | null): Promise<void> {
    this.switching = this.switching.then(async () => {
      if (this.current?.profileId === profileId) return;
      const previous = this.current;
      this.current = null;
      await previous?.value.close();
      if (profileId !== null) this.current = { profileId, value: this.open(profileId), started: false };
    });
    return this.switching;
  }

  /** Runs `start` once for the current profile's value (e.g. when its session is first signed in). */
  startOnce(start: (value: T) => void): void {
    if (!this.current || this.current.started) return;
    this.current.started = true;
    start(this.current.value);
  }
}

/**
 * A problem of the installation, not a bug: a bad setting, a data folder or database file
 * the server cannot use, a database it cannot reach. Start-up (main.ts) prints its message,
 * one line saying what is wrong and what to do, and exits with status 2; no stack trace.
 * Every error start-up can meet in a damaged environment is one of these.
 */
export class SetupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SetupError';
  }
}

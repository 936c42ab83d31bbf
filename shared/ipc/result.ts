import type { ErrorBody } from '../errors.ts';

/**
 * What every IPC call resolves to. Errors travel as data, not as thrown exceptions,
 * because Electron's structured clone keeps only the message of a thrown Error and the
 * catalogue code would be lost; this way `{ok:false, error:{code, message, details}}`
 * is exactly an HTTP error body plus the `ok` flag.
 */
export type IpcResult<T> = { ok: true; value: T } | ({ ok: false } & ErrorBody);

export function ok<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

/**
 * Every read the console makes through main says where the answer came from and how old
 * it is, so the console can say "offline, data as of 14:02" instead of pretending. The
 * channels' schema of it is `readResultSchema` in channels/cache.ts.
 */
export interface ReadResult<T> {
  data: T;
  source: 'server' | 'cache';
  /** When this data was last known to match the server (epoch ms); null if never synced. */
  freshAsOf: number | null;
}

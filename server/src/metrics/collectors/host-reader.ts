import os from 'node:os';
import { Piscina } from 'piscina';
import type { SampleBatch } from '../store.ts';
import { serverFile } from '../../server-files.ts';

/** Reads the host the server runs on, off the request thread. */
export interface HostReader {
  read(): Promise<SampleBatch[]>;
  close(): Promise<void>;
}

/** One long-lived thread (see host-thread.ts for why a thread, and why the same one). */
export function createThreadedHostReader(host: string = os.hostname()): HostReader {
  const pool = new Piscina({
    filename: serverFile(import.meta.url, './host-thread.ts', 'host-thread.js'),
    minThreads: 1,
    maxThreads: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  return {
    read: () => pool.run(host) as Promise<SampleBatch[]>,
    close: () => pool.destroy(),
  };
}

import fs from 'node:fs';
import os from 'node:os';
import { Piscina } from 'piscina';
import type { SampleBatch } from '../store.ts';
import { serverFile } from '../../server-files.ts';
import { createProcfsHostReader } from './procfs-host.ts';

/** Reads the host the server runs on, without holding up requests. */
export interface HostReader {
  /** One reading, its samples stamped `now` (default: the wall clock). */
  read(now?: number): Promise<SampleBatch[]>;
  close(): Promise<void>;
}

/**
 * The host reader for this platform: /proc and /sys on Linux (procfs-host.ts: no thread, no
 * child processes), systeminformation on its own thread elsewhere.
 */
export function createHostReader(host: string = os.hostname()): HostReader {
  return process.platform === 'linux' && fs.existsSync('/proc/stat') ? createProcfsHostReader(host) : createThreadedHostReader(host);
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
    read: (now = Date.now()) => pool.run({ host, now }) as Promise<SampleBatch[]>,
    close: () => pool.destroy(),
  };
}

import { afterEach, describe, expect, it } from 'vitest';
import { createThreadedHostReader, type HostReader } from './host-reader.ts';

describe('threaded host reader (real systeminformation, on its own thread)', () => {
  let reader: HostReader | null = null;
  afterEach(async () => {
    await reader?.close();
    reader = null;
  });

  it('reads the host on its thread and keeps state between readings, so the second one has rates', async () => {
    reader = createThreadedHostReader('thread-host');
    const first = await reader.read();
    expect(first.find((b) => b.name === 'node_memory_total_bytes')?.labels).toEqual({ host: 'thread-host' });
    // Rates need the previous reading, which lives in the thread: a fresh thread per call would never have one.
    await expect.poll(async () => (await reader!.read()).some((b) => b.name === 'node_network_receive_bytes_per_second'), { timeout: 90_000, interval: 300 }).toBe(true);
  });
});

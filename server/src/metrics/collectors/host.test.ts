import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { readHostMetrics } from './host.ts';

const PROMETHEUS_NAME = /^[a-z_:][a-z0-9_:]*$/;
const UNIT_SUFFIX = /_(ratio|bytes|bytes_per_second|per_second)$|^node_load(1|5|15|1_per_core)$|^node_cpu_cores$|^node_processes(_running|_blocked)?$/;

describe('host collector (real systeminformation on this host)', () => {
  it('reads CPU, memory, swap, load, filesystems, disk and network rates and processes, well named', async () => {
    await readHostMetrics('test-host', 1000);
    // Rates need two readings; systeminformation measures between calls.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const batches = await readHostMetrics('test-host', 2000);
    const names = new Set(batches.map((b) => b.name));
    for (const name of [
      'node_cpu_utilisation_ratio',
      'node_load1',
      'node_load5',
      'node_load15',
      'node_cpu_cores',
      'node_load1_per_core',
      'node_memory_total_bytes',
      'node_memory_available_bytes',
      'node_memory_utilisation_ratio',
      'node_swap_total_bytes',
      'node_swap_used_bytes',
      'node_filesystem_size_bytes',
      'node_filesystem_avail_bytes',
      'node_filesystem_utilisation_ratio',
      'node_disk_read_bytes_per_second',
      'node_disk_written_bytes_per_second',
      'node_network_receive_bytes_per_second',
      'node_network_transmit_bytes_per_second',
      'node_processes',
    ]) {
      expect(names, name).toContain(name);
    }
    for (const batch of batches) {
      expect(batch.name).toMatch(PROMETHEUS_NAME);
      expect(batch.name).toMatch(UNIT_SUFFIX);
      expect(batch.labels.host).toBe('test-host');
      expect(batch.samples).toHaveLength(1);
      const [ts, value] = batch.samples[0]!;
      expect(ts).toBe(2000);
      expect(Number.isFinite(value) && value >= 0).toBe(true);
      if (batch.name.endsWith('_ratio')) expect(value).toBeLessThanOrEqual(1);
    }
    const total = batches.find((b) => b.name === 'node_memory_total_bytes')!;
    expect(total.samples[0]![1]).toBe(os.totalmem());
    const root = batches.find((b) => b.name === 'node_filesystem_size_bytes' && b.labels.mount === '/');
    expect(root?.labels).toMatchObject({ mount: '/', device: expect.any(String), fstype: expect.any(String) });
    const nics = batches.filter((b) => b.name === 'node_network_receive_bytes_per_second').map((b) => b.labels.interface);
    expect(nics).toContain('lo');
  });
});

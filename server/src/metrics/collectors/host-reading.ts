import type { SampleBatch } from '../store.ts';
import type { Labels } from '../labels.ts';

/**
 * One reading of a host, whichever way it was read (Linux's /proc and /sys, or
 * systeminformation elsewhere). Rates are per second between this reading and the previous
 * one, and null on a first reading.
 */
export interface HostReading {
  /** Share of CPU time not idle (0–1), since the previous reading (since boot on a first one). */
  cpuUtilisation: number | null;
  load: readonly [number, number, number];
  cores: number;
  memory: { total: number; available: number };
  swap: { total: number; used: number };
  filesystems: ReadonlyArray<{ mount: string; device: string; fstype: string; size: number; available: number; used: number }>;
  /** Summed over the host's disks. */
  disk: { readBytesPerSecond: number | null; writtenBytesPerSecond: number | null; readsPerSecond: number | null; writesPerSecond: number | null };
  network: ReadonlyArray<{ iface: string; receiveBytesPerSecond: number | null; transmitBytesPerSecond: number | null }>;
  processes: { all: number; running: number; blocked: number };
}

/**
 * The reading as gauges named the way node_exporter names its metrics where one applies:
 * utilisation as a 0–1 `_ratio`, sizes in `_bytes`, throughput as a `_per_second` rate.
 * Values that are missing, not finite or negative (a counter that went back) are left out.
 */
export function hostBatches(reading: HostReading, host: string, now: number): SampleBatch[] {
  const batches: SampleBatch[] = [];
  const add = (name: string, value: number | null | undefined, labels: Labels = {}) => {
    if (value === null || value === undefined || !Number.isFinite(value) || value < 0) return;
    batches.push({ name, labels: { host, ...labels }, samples: [[now, value]] });
  };

  add('node_cpu_utilisation_ratio', reading.cpuUtilisation);
  const [load1, load5, load15] = reading.load;
  add('node_load1', load1);
  add('node_load5', load5);
  add('node_load15', load15);
  // Load means little without the core count: the default rule alerts on load per core.
  add('node_cpu_cores', reading.cores);
  add('node_load1_per_core', reading.cores > 0 ? load1 / reading.cores : null);

  const { total, available } = reading.memory;
  add('node_memory_total_bytes', total);
  add('node_memory_available_bytes', available);
  add('node_memory_used_bytes', total - available);
  add('node_memory_utilisation_ratio', total > 0 ? 1 - available / total : null);
  add('node_swap_total_bytes', reading.swap.total);
  add('node_swap_used_bytes', reading.swap.used);

  for (const fs of reading.filesystems) {
    if (!(fs.size > 0)) continue;
    const labels = { mount: fs.mount, device: fs.device, fstype: fs.fstype };
    add('node_filesystem_size_bytes', fs.size, labels);
    add('node_filesystem_avail_bytes', fs.available, labels);
    add('node_filesystem_used_bytes', fs.used, labels);
    add('node_filesystem_utilisation_ratio', fs.used / fs.size, labels);
  }

  add('node_disk_read_bytes_per_second', reading.disk.readBytesPerSecond);
  add('node_disk_written_bytes_per_second', reading.disk.writtenBytesPerSecond);
  add('node_disk_reads_per_second', reading.disk.readsPerSecond);
  add('node_disk_writes_per_second', reading.disk.writesPerSecond);

  for (const nic of reading.network) {
    add('node_network_receive_bytes_per_second', nic.receiveBytesPerSecond, { interface: nic.iface });
    add('node_network_transmit_bytes_per_second', nic.transmitBytesPerSecond, { interface: nic.iface });
  }

  add('node_processes', reading.processes.all);
  add('node_processes_running', reading.processes.running);
  add('node_processes_blocked', reading.processes.blocked);
  return batches;
}

import os from 'node:os';
import type { SampleBatch } from '../store.ts';
import type { Labels } from '../labels.ts';

/**
 * One reading of the host the server runs on, through `systeminformation`, named the way
 * node_exporter names its metrics where one applies. We store gauges: utilisation as a
 * 0–1 `_ratio`, sizes in `_bytes`, throughput already as a `_per_second` rate (systeminformation
 * measures it between two calls, so the first reading has no rates).
 */
export async function readHostMetrics(host: string = os.hostname(), now: number = Date.now()): Promise<SampleBatch[]> {
  // Loaded with the first reading: a server that does not collect (SMARTCLOUDOPS_COLLECT_INTERVAL=0) never holds it.
  const { default: si } = await import('systeminformation');
  const [load, mem, filesystems, fsStats, disksIO, network, processes] = await Promise.all([
    si.currentLoad(),
    si.mem(),
    si.fsSize(),
    si.fsStats(),
    si.disksIO(),
    si.networkStats('*'),
    si.processes(),
  ]);
  const batches: SampleBatch[] = [];
  const add = (name: string, value: number | null | undefined, labels: Labels = {}) => {
    // Rates are null (or negative) until systeminformation has two readings to compare.
    if (value === null || value === undefined || !Number.isFinite(value) || value < 0) return;
    batches.push({ name, labels: { host, ...labels }, samples: [[now, value]] });
  };

  add('node_cpu_utilisation_ratio', load.currentLoad / 100);
  const [load1, load5, load15] = os.loadavg();
  add('node_load1', load1);
  add('node_load5', load5);
  add('node_load15', load15);
  // Load means little without the core count: the default rule alerts on load per core.
  const cores = os.availableParallelism();
  add('node_cpu_cores', cores);
  add('node_load1_per_core', cores > 0 && load1 !== undefined ? load1 / cores : null);

  add('node_memory_total_bytes', mem.total);
  add('node_memory_available_bytes', mem.available);
  add('node_memory_used_bytes', mem.total - mem.available);
  add('node_memory_utilisation_ratio', mem.total > 0 ? 1 - mem.available / mem.total : null);
  add('node_swap_total_bytes', mem.swaptotal);
  add('node_swap_used_bytes', mem.swapused);

  for (const fs of filesystems) {
    if (!(fs.size > 0)) continue;
    const labels = { mount: fs.mount, device: fs.fs, fstype: fs.type };
    add('node_filesystem_size_bytes', fs.size, labels);
    add('node_filesystem_avail_bytes', fs.available, labels);
    add('node_filesystem_used_bytes', fs.used, labels);
    add('node_filesystem_utilisation_ratio', fs.used / fs.size, labels);
  }

  // systeminformation reports disk throughput summed over all block devices.
  add('node_disk_read_bytes_per_second', fsStats?.rx_sec);
  add('node_disk_written_bytes_per_second', fsStats?.wx_sec);
  add('node_disk_reads_per_second', disksIO?.rIO_sec);
  add('node_disk_writes_per_second', disksIO?.wIO_sec);

  for (const nic of network) {
    add('node_network_receive_bytes_per_second', nic.rx_sec, { interface: nic.iface });
    add('node_network_transmit_bytes_per_second', nic.tx_sec, { interface: nic.iface });
  }

  add('node_processes', processes.all);
  add('node_processes_running', processes.running);
  add('node_processes_blocked', processes.blocked);
  return batches;
}

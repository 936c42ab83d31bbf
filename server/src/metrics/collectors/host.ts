import os from 'node:os';
import type { SampleBatch } from '../store.ts';
import { hostBatches } from './host-reading.ts';

/**
 * One reading of the host through `systeminformation`, for servers not on Linux (Linux is
 * read from /proc and /sys: procfs-host.ts). systeminformation measures rates between two
 * calls in this process, so the first reading has none; it spawns `ps`, `df` … and some of it
 * synchronously, which is why it runs on a thread of its own (host-reader.ts).
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
  const [load1 = 0, load5 = 0, load15 = 0] = os.loadavg();
  return hostBatches(
    {
      cpuUtilisation: load.currentLoad / 100,
      load: [load1, load5, load15],
      cores: os.availableParallelism(),
      memory: { total: mem.total, available: mem.available },
      swap: { total: mem.swaptotal, used: mem.swapused },
      filesystems: filesystems.map((fs) => ({ mount: fs.mount, device: fs.fs, fstype: fs.type, size: fs.size, available: fs.available, used: fs.used })),
      // systeminformation reports disk throughput summed over all block devices.
      disk: {
        readBytesPerSecond: fsStats?.rx_sec ?? null,
        writtenBytesPerSecond: fsStats?.wx_sec ?? null,
        readsPerSecond: disksIO?.rIO_sec ?? null,
        writesPerSecond: disksIO?.wIO_sec ?? null,
      },
      network: network.map((nic) => ({ iface: nic.iface, receiveBytesPerSecond: nic.rx_sec, transmitBytesPerSecond: nic.tx_sec })),
      processes: { all: processes.all, running: processes.running, blocked: processes.blocked },
    },
    host,
    now,
  );
}

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SampleBatch } from '../store.ts';
import type { HostReader } from './host-reader.ts';
import { hostBatches, type HostReading } from './host-reading.ts';
import { dataMounts, parseCpuTimes, parseDiskstats, parseLoadAverage, parseMeminfo, parseMounts, parseNetDev, parseTaskStates, type CpuTimes, type DiskCounters } from './procfs.ts';

export interface ProcfsHostOptions {
  /** Where procfs is mounted (a container reading its host's gets it bind-mounted elsewhere). */
  procfs?: string;
  sysfs?: string;
  /** Monotonic milliseconds, for rates. */
  clock?: () => number;
  /** Interfaces with an address: the ones worth a series (an unused `ifb0` is not). */
  interfaces?: () => string[];
  statfs?: (mount: string) => Promise<{ blocks: number; bsize: number; bfree: number; bavail: number }>;
  cores?: () => number;
  /** How long a reading waits for one mount's statfs (default STATFS_TIMEOUT_MS). */
  statfsTimeoutMs?: number;
}

/** A local filesystem answers statfs in microseconds; one that takes this long is stuck. */
export const STATFS_TIMEOUT_MS = 2_000;

interface Counters {
  at: number;
  cpu: CpuTimes | null;
  disk: DiskCounters;
  network: Map<string, { receiveBytes: number; transmitBytes: number }>;
}

/**
 * The host collector on Linux: reads /proc and /sys the way node_exporter does, on the
 * request thread, asynchronously. It spawns nothing (systeminformation, used elsewhere, runs
 * `ps` and `df` and needs a thread of its own, ~25 MiB resident for as long as the server
 * runs: issue 14's idle memory), and a reading is ~20 small reads. Rates are per second
 * since the previous reading, which this reader keeps.
 */
export function createProcfsHostReader(host: string = os.hostname(), options: ProcfsHostOptions = {}): HostReader {
  const procfs = options.procfs ?? '/proc';
  const sysfs = options.sysfs ?? '/sys';
  const clock = options.clock ?? (() => performance.now());
  const interfaces = options.interfaces ?? (() => Object.keys(os.networkInterfaces()));
  const statfs = options.statfs ?? ((mount: string) => fs.statfs(mount));
  const cores = options.cores ?? (() => os.availableParallelism());
  const statfsTimeoutMs = options.statfsTimeoutMs ?? STATFS_TIMEOUT_MS;
  let previous: Counters | null = null;

  const read = (file: string) => fs.readFile(path.join(procfs, file), 'utf8').catch(() => '');

  /** Whole disks: /sys/block entries backed by a device (loop, ram, zram, dm- and md have none, and would count twice or not at all). */
  const disks = async (): Promise<Set<string>> => {
    const names = await fs.readdir(path.join(sysfs, 'block')).catch(() => [] as string[]);
    const backed = await Promise.all(names.map((name) => fs.access(path.join(sysfs, 'block', name, 'device')).then(() => true, () => false)));
    return new Set(names.filter((_, i) => backed[i]));
  };

  /**
   * statfs(2) of a mount whose backing stopped answering (a FUSE or block device gone bad)
   * does not return, and holds one of libuv's four pool threads while it waits, the threads
   * file reads, DNS and compression share. So a reading waits for it at most
   * STATFS_TIMEOUT_MS, and a mount with a call still out is not asked again until it
   * answers: one stuck mount holds one thread, not one more every interval (node_exporter
   * keeps its stuck mounts the same way).
   */
  const pendingStatfs = new Set<string>();
  const statfsOnce = (mount: string): Promise<Awaited<ReturnType<typeof statfs>> | null> => {
    if (pendingStatfs.has(mount)) return Promise.resolve(null);
    const call = statfs(mount).catch(() => null);
    pendingStatfs.add(mount);
    void call.finally(() => pendingStatfs.delete(mount));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(resolve, statfsTimeoutMs, null)));
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  };

  const filesystems = async (mountsText: string): Promise<HostReading['filesystems']> => {
    const mounts = dataMounts(parseMounts(mountsText));
    const sizes = await Promise.all(mounts.map((m) => statfsOnce(m.mount)));
    return mounts.flatMap((m, i) => {
      const s = sizes[i];
      if (!s) return [];
      return [{ mount: m.mount, device: m.device, fstype: m.fstype, size: s.blocks * s.bsize, available: s.bavail * s.bsize, used: (s.blocks - s.bfree) * s.bsize }];
    });
  };

  const processCount = async () => {
    const entries = await fs.readdir(procfs).catch(() => [] as string[]);
    let count = 0;
    for (const entry of entries) if (/^\d+$/.test(entry)) count += 1;
    return count;
  };

  return {
    async read(now: number = Date.now()): Promise<SampleBatch[]> {
      const [stat, loadavg, meminfo, diskstats, netDev, mountsText, diskNames, processes] = await Promise.all([
        read('stat'),
        read('loadavg'),
        read('meminfo'),
        read('diskstats'),
        read('net/dev'),
        read('self/mounts'),
        disks(),
        processCount(),
      ]);
      const at = clock();
      const current: Counters = { at, cpu: parseCpuTimes(stat), disk: parseDiskstats(diskstats, diskNames), network: parseNetDev(netDev) };
      const last = previous;
      previous = current;
      const seconds = last ? (at - last.at) / 1000 : 0;
      /** Per second since the previous reading; null on a first reading, or when a counter went back (a reset, a device gone). */
      const rate = (value: number, before: number | undefined) => (seconds > 0 && before !== undefined && value >= before ? (value - before) / seconds : null);

      const memory = parseMeminfo(meminfo);
      const addressed = new Set(interfaces());
      const reading: HostReading = {
        cpuUtilisation: cpuUtilisation(current.cpu, last?.cpu ?? null),
        load: parseLoadAverage(loadavg),
        cores: cores(),
        memory: { total: memory.total, available: memory.available },
        swap: { total: memory.swapTotal, used: Math.max(0, memory.swapTotal - memory.swapFree) },
        filesystems: await filesystems(mountsText),
        disk: {
          readBytesPerSecond: rate(current.disk.readBytes, last?.disk.readBytes),
          writtenBytesPerSecond: rate(current.disk.writtenBytes, last?.disk.writtenBytes),
          readsPerSecond: rate(current.disk.reads, last?.disk.reads),
          writesPerSecond: rate(current.disk.writes, last?.disk.writes),
        },
        network: [...current.network].filter(([iface]) => addressed.has(iface)).map(([iface, counters]) => ({
          iface,
          receiveBytesPerSecond: rate(counters.receiveBytes, last?.network.get(iface)?.receiveBytes),
          transmitBytesPerSecond: rate(counters.transmitBytes, last?.network.get(iface)?.transmitBytes),
        })),
        processes: { all: processes, ...parseTaskStates(stat) },
      };
      return hostBatches(reading, host, now);
    },
    close: async () => {},
  };
}

/** Busy share of CPU time between two readings; since boot on a first reading (as systeminformation's first reading is). */
function cpuUtilisation(current: CpuTimes | null, previous: CpuTimes | null): number | null {
  if (!current) return null;
  const total = current.total - (previous?.total ?? 0);
  const idle = current.idle - (previous?.idle ?? 0);
  if (!(total > 0) || idle < 0) return null;
  return Math.min(1, Math.max(0, 1 - idle / total));
}

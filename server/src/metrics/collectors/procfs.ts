/**
 * Parsers for the Linux files the host collector reads (procfs-host.ts). Each takes the
 * file's text and returns numbers in base units; a file in an unexpected shape gives zeros
 * or empty lists, never an exception, so one odd kernel does not stop the other metrics.
 */

export interface CpuTimes {
  /** All CPU time since boot, in clock ticks (guest time is already in user time). */
  total: number;
  /** Idle and I/O-wait ticks: time no task ran. */
  idle: number;
}

/** The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal guest guest_nice. */
export function parseCpuTimes(stat: string): CpuTimes | null {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 4 || ticks.some((t) => !Number.isFinite(t))) return null;
  const total = ticks.reduce((sum, t) => sum + t, 0);
  return { total, idle: ticks[3]! + (ticks[4] ?? 0) };
}

/** `procs_running` and `procs_blocked` of /proc/stat (tasks runnable, tasks waiting on I/O). */
export function parseTaskStates(stat: string): { running: number; blocked: number } {
  const counts = new Map<string, number>();
  for (const line of stat.split('\n')) {
    const [key, value] = line.split(' ');
    if (key?.startsWith('procs_')) counts.set(key, Number(value) || 0);
  }
  return { running: counts.get('procs_running') ?? 0, blocked: counts.get('procs_blocked') ?? 0 };
}

/** /proc/loadavg's first three fields. */
export function parseLoadAverage(text: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  return [a, b, c];
}

export interface MemoryInfo {
  total: number;
  available: number;
  swapTotal: number;
  swapFree: number;
}

/** /proc/meminfo in bytes. Kernels before 3.14 have no MemAvailable: free + buffers + page cache stands in. */
export function parseMeminfo(text: string): MemoryInfo {
  const kib = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^:]+):\s+(\d+)/.exec(line);
    if (match) kib.set(match[1]!, Number(match[2]) * 1024);
  }
  const get = (key: string) => kib.get(key) ?? 0;
  return {
    total: get('MemTotal'),
    available: kib.get('MemAvailable') ?? get('MemFree') + get('Buffers') + get('Cached'),
    swapTotal: get('SwapTotal'),
    swapFree: get('SwapFree'),
  };
}

export interface DiskCounters {
  reads: number;
  readBytes: number;
  writes: number;
  writtenBytes: number;
}

/**
 * /proc/diskstats summed over `disks` (names as in /sys/block). Fields after the name:
 * reads completed, merged, sectors read, ms; writes completed, merged, sectors written, ….
 * A sector here is always 512 bytes, whatever the device's own sector size.
 */
export function parseDiskstats(text: string, disks: ReadonlySet<string>): DiskCounters {
  const sum: DiskCounters = { reads: 0, readBytes: 0, writes: 0, writtenBytes: 0 };
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || !disks.has(fields[2]!)) continue;
    sum.reads += Number(fields[3]) || 0;
    sum.readBytes += (Number(fields[5]) || 0) * 512;
    sum.writes += Number(fields[7]) || 0;
    sum.writtenBytes += (Number(fields[9]) || 0) * 512;
  }
  return sum;
}

/** /proc/net/dev: bytes received and sent per interface since boot. */
export function parseNetDev(text: string): Map<string, { receiveBytes: number; transmitBytes: number }> {
  const interfaces = new Map<string, { receiveBytes: number; transmitBytes: number }>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const fields = line.slice(colon + 1).trim().split(/\s+/);
    if (fields.length < 9) continue;
    interfaces.set(line.slice(0, colon).trim(), { receiveBytes: Number(fields[0]) || 0, transmitBytes: Number(fields[8]) || 0 });
  }
  return interfaces;
}

export interface Mount {
  device: string;
  mount: string;
  fstype: string;
}

/** /proc/self/mounts; spaces and other characters in paths come octal-escaped (`\040`). */
export function parseMounts(text: string): Mount[] {
  const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [device, mount, fstype] = line.split(' ');
    if (device && mount && fstype) mounts.push({ device: unescape(device), mount: unescape(mount), fstype });
  }
  return mounts;
}

/** Kernel and memory filesystems: nothing on them is a disk filling up (node_exporter's and df's list). */
const VIRTUAL_FILESYSTEMS = new Set([
  'autofs', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'debugfs', 'devpts', 'devtmpfs', 'efivarfs',
  'fusectl', 'hugetlbfs', 'mqueue', 'nsfs', 'proc', 'procfs', 'pstore', 'ramfs', 'rootfs', 'rpc_pipefs',
  'securityfs', 'selinuxfs', 'squashfs', 'sysfs', 'tmpfs', 'tracefs',
]);

/** Network filesystems, left out as `df -l` leaves them: a server that stopped answering would hang the reading. */
const REMOTE_FILESYSTEMS = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'ceph', 'glusterfs', 'afs', '9p', 'lustre', 'gpfs']);

/**
 * FUSE filesystems (`fuse.<program>`) are mostly remote or virtual (sshfs, s3fs, rclone,
 * gcsfuse, lxcfs …) and out; `fuseblk`, FUSE on a local block device (NTFS, exFAT), stays.
 */
const isRemote = (entry: Mount) => REMOTE_FILESYSTEMS.has(entry.fstype) || entry.fstype.startsWith('fuse.') || entry.device.includes(':') || entry.device.startsWith('//');

/** Mount points that belong to the kernel or to a container runtime's layers. */
const SYSTEM_MOUNT_POINT = /^\/(dev|proc|sys|run\/credentials\/.+|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+|snap\/.+)($|\/)/;

/**
 * The mounts worth a `node_filesystem_*` series: local filesystems holding data, each mount
 * point once (the last mount on a point is the one visible there) and each device once. A container's overlay
 * root counts: it is the disk the server writes to.
 */
export function dataMounts(mounts: readonly Mount[]): Mount[] {
  const byPoint = new Map<string, Mount>();
  for (const entry of mounts) {
    const remote = isRemote(entry);
    const keep = entry.mount === '/' ? !remote : !remote && !VIRTUAL_FILESYSTEMS.has(entry.fstype) && !SYSTEM_MOUNT_POINT.test(entry.mount);
    if (keep) byPoint.set(entry.mount, entry);
    else byPoint.delete(entry.mount);
  }
  // One device mounted at several points (bind mounts: a container's /etc/hosts) is one disk: keep its shortest mount point, as df does.
  const byDevice = new Map<string, Mount>();
  for (const entry of byPoint.values()) {
    const seen = byDevice.get(entry.device);
    if (!seen || entry.mount.length < seen.mount.length) byDevice.set(entry.device, entry);
  }
  return [...byDevice.values()];
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SampleBatch } from '../store.ts';
import { readHostMetrics } from './host.ts';
import { createProcfsHostReader } from './procfs-host.ts';

const valueOf = (batches: SampleBatch[], name: string, labels: Record<string, string> = {}) =>
  batches.find((b) => b.name === name && Object.entries(labels).every(([k, v]) => b.labels[k] === v))?.samples[0]?.[1];

/** A fake /proc and /sys in a temp folder: the counters a test writes are the ones the reader sees. */
function fakeHost() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-procfs-'));
  const procfs = path.join(root, 'proc');
  const sysfs = path.join(root, 'sys');
  for (const dir of ['net', 'self', '1', '42', '4242', 'sys', 'tty']) fs.mkdirSync(path.join(procfs, dir), { recursive: true });
  fs.mkdirSync(path.join(sysfs, 'block', 'vda', 'device'), { recursive: true });
  fs.mkdirSync(path.join(sysfs, 'block', 'loop0'), { recursive: true });
  const data = path.join(root, 'data');
  fs.mkdirSync(data);
  const write = (file: string, text: string) => fs.writeFileSync(path.join(procfs, file), text);
  const counters = (c: { user: number; idle: number; vdaSectorsRead: number; vdaReads: number; loopSectors: number; ethRx: number; ethTx: number }) => {
    write('stat', `cpu  ${c.user} 0 0 ${c.idle} 0 0 0 0 0 0\nprocs_running 2\nprocs_blocked 1\n`);
    write('diskstats', [` 254 0 vda ${c.vdaReads} 0 ${c.vdaSectorsRead} 0 5 0 40 0 0 0 0`, `   7 0 loop0 9 0 ${c.loopSectors} 0 0 0 0 0 0 0 0`].join('\n'));
    write('net/dev', `Inter-| Receive | Transmit\n face |bytes packets|bytes\n  eth0: ${c.ethRx} 1 0 0 0 0 0 0 ${c.ethTx} 1 0 0 0 0 0 0\n  ifb0: 5 0 0 0 0 0 0 0 5 0 0 0 0 0 0 0\n`);
  };
  write('loadavg', '1.50 0.75 0.25 2/300 4242\n');
  write('meminfo', 'MemTotal: 1000 kB\nMemAvailable: 250 kB\nSwapTotal: 100 kB\nSwapFree: 40 kB\n');
  write('self/mounts', `/dev/vda1 ${data} ext4 rw 0 0\nproc /proc proc rw 0 0\n/dev/vdb1 ${path.join(root, 'gone')} ext4 rw 0 0\n`);
  return { root, procfs, sysfs, data, counters };
}

describe('host reader on /proc and /sys', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
  });

  it('reads gauges at once and rates from the second reading, over whole disks and addressed interfaces only', async () => {
    const host = fakeHost();
    roots.push(host.root);
    let clock = 0;
    const reader = createProcfsHostReader('fake', {
      procfs: host.procfs,
      sysfs: host.sysfs,
      clock: () => clock,
      interfaces: () => ['lo', 'eth0'],
      cores: () => 4,
      statfs: async (mount) => {
        if (mount !== host.data) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return { blocks: 1000, bsize: 4096, bfree: 300, bavail: 200 };
      },
    });
    host.counters({ user: 300, idle: 700, vdaSectorsRead: 1000, vdaReads: 10, loopSectors: 5, ethRx: 1000, ethTx: 50 });
    const first = await reader.read(1_000);
    expect(first.every((b) => b.labels.host === 'fake' && b.samples[0]![0] === 1_000)).toBe(true);
    expect(valueOf(first, 'node_cpu_utilisation_ratio')).toBeCloseTo(0.3); // since boot
    expect(valueOf(first, 'node_load1')).toBe(1.5);
    expect(valueOf(first, 'node_load1_per_core')).toBe(0.375);
    expect(valueOf(first, 'node_cpu_cores')).toBe(4);
    expect(valueOf(first, 'node_memory_total_bytes')).toBe(1000 * 1024);
    expect(valueOf(first, 'node_memory_used_bytes')).toBe(750 * 1024);
    expect(valueOf(first, 'node_memory_utilisation_ratio')).toBe(0.75);
    expect(valueOf(first, 'node_swap_used_bytes')).toBe(60 * 1024);
    const fsLabels = { mount: host.data, device: '/dev/vda1', fstype: 'ext4' };
    expect(valueOf(first, 'node_filesystem_size_bytes', fsLabels)).toBe(1000 * 4096);
    expect(valueOf(first, 'node_filesystem_avail_bytes', fsLabels)).toBe(200 * 4096);
    expect(valueOf(first, 'node_filesystem_used_bytes', fsLabels)).toBe(700 * 4096);
    expect(valueOf(first, 'node_filesystem_utilisation_ratio', fsLabels)).toBe(0.7);
    // The mount statfs could not read is left out, not an error.
    expect(first.filter((b) => b.name === 'node_filesystem_size_bytes')).toHaveLength(1);
    expect(valueOf(first, 'node_processes')).toBe(3);
    expect(valueOf(first, 'node_processes_running')).toBe(2);
    expect(valueOf(first, 'node_processes_blocked')).toBe(1);
    expect(first.some((b) => b.name.endsWith('_per_second'))).toBe(false);

    clock += 10_000;
    host.counters({ user: 400, idle: 1100, vdaSectorsRead: 3000, vdaReads: 30, loopSectors: 999_999, ethRx: 11_000, ethTx: 40 });
    const second = await reader.read(11_000);
    expect(valueOf(second, 'node_cpu_utilisation_ratio')).toBeCloseTo(0.2); // 100 busy of 500 ticks since the first
    expect(valueOf(second, 'node_disk_read_bytes_per_second')).toBe((2000 * 512) / 10); // vda only: loop0 has no device
    expect(valueOf(second, 'node_disk_reads_per_second')).toBe(2);
    expect(valueOf(second, 'node_disk_written_bytes_per_second')).toBe(0);
    expect(valueOf(second, 'node_network_receive_bytes_per_second', { interface: 'eth0' })).toBe(1000);
    // A counter that went back (a reset) gives no rate rather than a negative or a huge one.
    expect(valueOf(second, 'node_network_transmit_bytes_per_second', { interface: 'eth0' })).toBeUndefined();
    expect(second.some((b) => b.labels.interface === 'ifb0')).toBe(false);
  });

  it('waits a bounded time for a stuck mount and does not ask it again until it answers', async () => {
    const host = fakeHost();
    roots.push(host.root);
    host.counters({ user: 1, idle: 1, vdaSectorsRead: 0, vdaReads: 0, loopSectors: 0, ethRx: 0, ethTx: 0 });
    const stuck = path.join(host.root, 'gone');
    let calls = 0;
    let answer: (() => void) | undefined;
    const reader = createProcfsHostReader('fake', {
      procfs: host.procfs,
      sysfs: host.sysfs,
      interfaces: () => [],
      statfsTimeoutMs: 20,
      statfs: (mount) => {
        if (mount !== stuck) return Promise.resolve({ blocks: 10, bsize: 1024, bfree: 5, bavail: 5 });
        calls += 1;
        const size = { blocks: 100, bsize: 1024, bfree: 50, bavail: 40 };
        if (answer) return Promise.resolve(size);
        return new Promise((resolve) => (answer = () => resolve(size)));
      },
    });
    const mounts = (batches: SampleBatch[]) => batches.filter((b) => b.name === 'node_filesystem_size_bytes').map((b) => b.labels.mount);
    expect(mounts(await reader.read())).toEqual([host.data]);
    expect(mounts(await reader.read())).toEqual([host.data]);
    expect(calls).toBe(1);
    answer!();
    // Once it has answered, it is asked again (and answers at once this time).
    await expect.poll(async () => mounts(await reader.read())).toEqual([host.data, stuck]);
    expect(calls).toBe(2);
  });

  it('reads this host, agreeing with systeminformation on names, memory and the root filesystem', async () => {
    const reader = createProcfsHostReader('real');
    await reader.read(1);
    // Rates are per second between readings: wait until the clock has moved.
    const started = performance.now();
    await expect.poll(() => performance.now() - started > 50).toBe(true);
    const ours = await reader.read(2);
    await readHostMetrics('real', 1);
    const theirs = await readHostMetrics('real', 2);
    const names = (batches: SampleBatch[]) => new Set(batches.map((b) => b.name));
    for (const name of names(theirs)) if (!name.startsWith('node_disk_') && !name.startsWith('node_network_')) expect(names(ours), name).toContain(name);
    expect(names(ours)).toContain('node_network_receive_bytes_per_second');
    expect(names(ours)).toContain('node_disk_read_bytes_per_second');
    expect(valueOf(ours, 'node_memory_total_bytes')).toBe(os.totalmem());
    expect(ours.find((b) => b.name === 'node_network_receive_bytes_per_second' && b.labels.interface === 'lo')).toBeDefined();
    const root = (batches: SampleBatch[]) => batches.find((b) => b.name === 'node_filesystem_size_bytes' && b.labels.mount === '/');
    expect(root(ours)?.labels).toEqual(root(theirs)?.labels);
    expect(root(ours)?.samples[0]![1]).toBe(root(theirs)?.samples[0]![1]);
    for (const batch of ours) {
      const value = batch.samples[0]![1];
      expect(Number.isFinite(value) && value >= 0, batch.name).toBe(true);
      if (batch.name.endsWith('_ratio')) expect(value, batch.name).toBeLessThanOrEqual(1);
    }
    expect(valueOf(ours, 'node_processes')).toBeGreaterThan(1);
  });
});

import { describe, expect, it } from 'vitest';
import { dataMounts, parseCpuTimes, parseDiskstats, parseLoadAverage, parseMeminfo, parseMounts, parseNetDev, parseTaskStates } from './procfs.ts';

const STAT = `cpu  2812250 60341 1317145 4641600 13004 0 45232 7 3 0
cpu0 1398847 29882 650304 2341450 3209 0 21001 0 0 0
intr 123 4 5
ctxt 987654
procs_running 3
procs_blocked 1
`;

describe('procfs parsers', () => {
  it('reads the aggregate CPU line: total of the first eight fields, idle plus I/O wait', () => {
    expect(parseCpuTimes(STAT)).toEqual({ total: 2812250 + 60341 + 1317145 + 4641600 + 13004 + 0 + 45232 + 7, idle: 4641600 + 13004 });
    expect(parseCpuTimes('cpu0 1 2 3 4\n')).toBeNull();
    expect(parseCpuTimes('cpu  a b c d\n')).toBeNull();
  });

  it('reads runnable and blocked task counts, zero when the kernel does not say', () => {
    expect(parseTaskStates(STAT)).toEqual({ running: 3, blocked: 1 });
    expect(parseTaskStates('cpu  1 2 3 4\n')).toEqual({ running: 0, blocked: 0 });
  });

  it('reads the load averages', () => {
    expect(parseLoadAverage('0.67 0.35 0.13 1/88 17286\n')).toEqual([0.67, 0.35, 0.13]);
  });

  it('reads memory in bytes, and stands in for MemAvailable on old kernels', () => {
    const modern = 'MemTotal:       24683748 kB\nMemFree:        22699256 kB\nMemAvailable:   24213784 kB\nBuffers: 37092 kB\nCached: 250612 kB\nSwapTotal: 2048 kB\nSwapFree: 1024 kB\n';
    expect(parseMeminfo(modern)).toEqual({ total: 24683748 * 1024, available: 24213784 * 1024, swapTotal: 2048 * 1024, swapFree: 1024 * 1024 });
    const old = 'MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 20 kB\nCached: 300 kB\n';
    expect(parseMeminfo(old)).toMatchObject({ total: 1000 * 1024, available: 420 * 1024, swapTotal: 0 });
  });

  it('sums disk counters over the named disks only (sectors of 512 bytes)', () => {
    const text = [
      '   7       0 loop0 50 0 400 0 0 0 0 0 0 0 0 0 0 0 0 0 0',
      ' 254       0 vda 587508 1000 25097562 251407 971624 2000 132822120 775266 0 0 0',
      ' 254       1 vda1 587000 1000 25000000 251000 971000 2000 132000000 775000 0 0 0',
      ' 259       0 nvme0n1 10 0 80 0 20 0 160 0 0 0 0',
      'short line',
    ].join('\n');
    expect(parseDiskstats(text, new Set(['vda', 'nvme0n1']))).toEqual({
      reads: 587508 + 10,
      readBytes: (25097562 + 80) * 512,
      writes: 971624 + 20,
      writtenBytes: (132822120 + 160) * 512,
    });
  });

  it('reads bytes in and out per interface', () => {
    const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 529266282447 30840952    0    0    0     0          0         0 529266282447 30840952    0    0    0     0       0          0
  eth0:5116882243  275579    0    0    0     0          0         0 28723845  185358    0    0    0     0       0          0
`;
    const nics = parseNetDev(text);
    expect([...nics.keys()]).toEqual(['lo', 'eth0']);
    expect(nics.get('eth0')).toEqual({ receiveBytes: 5116882243, transmitBytes: 28723845 });
  });

  it('reads mounts with their octal escapes undone', () => {
    expect(parseMounts('/dev/sdb1 /mnt/my\\040disk ext4 rw 0 0\n')).toEqual([{ device: '/dev/sdb1', mount: '/mnt/my disk', fstype: 'ext4' }]);
  });

  it('keeps local data filesystems, each mount point once, each device once, and leaves out kernel, memory, remote, FUSE and runtime-layer mounts', () => {
    const mounts = parseMounts(`overlay / overlay rw 0 0
proc /proc proc rw 0 0
tmpfs /dev tmpfs rw 0 0
sysfs /sys sysfs rw 0 0
cgroup2 /sys/fs/cgroup cgroup2 rw 0 0
/dev/vda1 /data ext4 rw 0 0
/dev/vdb1 /srv xfs rw 0 0
tmpfs /srv tmpfs rw 0 0
/dev/vda2 /boot/efi vfat rw 0 0
tmpfs /run tmpfs rw 0 0
nfs.example:/export /mnt/nfs nfs4 rw 0 0
//files/share /mnt/smb cifs rw 0 0
/dev/loop3 /snap/core/1 squashfs ro 0 0
/dev/vda1 /var/lib/docker/overlay2/abc/merged ext4 rw 0 0
/dev/vda1 /etc/hosts ext4 rw 0 0
me@host:/home /mnt/ssh fuse.sshfs rw 0 0
bucket /mnt/s3 fuse.s3fs rw 0 0
/dev/sdc1 /media/usb fuseblk rw 0 0
`);
    expect(dataMounts(mounts).map((m) => m.mount)).toEqual(['/', '/data', '/boot/efi', '/media/usb']);
    expect(dataMounts(mounts)[0]).toEqual({ device: 'overlay', mount: '/', fstype: 'overlay' });
  });
});

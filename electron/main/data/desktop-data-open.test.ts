import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { openCacheDatabase } from '../cache/cache-database.ts';
import { openLocalCache } from '../cache/local-cache.ts';
import type { ScoringClient } from '../scoring/scoring-client.ts';
import { DesktopData, type DesktopDataOptions } from './desktop-data.ts';

describe('a profile whose cache cannot be opened', () => {
  let dir: string;
  const options = (cacheFile: string): DesktopDataOptions => ({
    cacheFile,
    capsuleCacheFile: path.join(dir, 'capsules.db'),
    transport: () => Promise.reject(new AppError('E_NETWORK')),
    stream: { connect: () => ({ close: () => {} }) },
    scoring: {} as ScoringClient,
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-data-open-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says a cache from a newer app is one, as an error the console can show', () => {
    const file = path.join(dir, 'profile.db');
    const db = openCacheDatabase(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new DesktopData(options(file))).toThrow(
      expect.objectContaining({ code: 'E_INTERNAL', message: expect.stringMatching(/newer version of the app.*Update the app/), details: { reason: 'newer-schema' } }),
    );
  });

  it('says a cache that cannot be written is one, and what to do, without the path; the file is left as it is', (context) => {
    const folder = path.join(dir, 'cache');
    const file = path.join(folder, 'profile.db');
    const cache = openLocalCache(file);
    const [id] = cache.metrics.upsertSeries([{ serverId: 1, name: 'cpu', labels: {} }]);
    cache.metrics.insertSamples([id!], [1_000], [1]);
    cache.db.pragma('wal_checkpoint(TRUNCATE)');
    cache.close();
    for (const suffix of ['-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    // root writes through file modes: an immutable file is what it cannot write.
    if (process.getuid?.() === 0) {
      if (spawnSync('chattr', ['+i', file]).status !== 0) context.skip();
    } else {
      fs.chmodSync(file, 0o444);
    }
    try {
      let thrown: unknown;
      try {
        new DesktopData(options(file));
      } catch (error) {
        thrown = error;
      }
      // It said "could not be opened" and nothing the user could act on.
      expect(thrown).toMatchObject({ code: 'E_INTERNAL', message: expect.stringMatching(/cannot be written.*permissions.*select the server again/i), details: { cause: expect.stringMatching(/^SQLITE_READONLY/), reason: 'not-writable' } });
      expect(JSON.stringify((thrown as AppError).toBody())).not.toContain(dir);
    } finally {
      if (process.getuid?.() === 0) spawnSync('chattr', ['-i', file]);
      else fs.chmodSync(file, 0o644);
    }
    // Nothing was set aside or lost: the samples are there once it can be written again.
    const again = openLocalCache(file);
    expect(again.metrics.sampleCount()).toBe(1);
    again.close();
    expect(fs.readdirSync(folder).some((f) => f.includes('damaged'))).toBe(false);
  });

  it('says a full disk is one, and what to do; the cache already there is left as it is', (context) => {
    // A real full file system: a 1 MiB tmpfs (root only; elsewhere the test is skipped).
    const disk = path.join(dir, 'small-disk');
    fs.mkdirSync(disk);
    if (process.getuid?.() !== 0 || spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk]).status !== 0) context.skip();
    try {
      const file = path.join(disk, 'profile.db');
      const cache = openLocalCache(file);
      const [id] = cache.metrics.upsertSeries([{ serverId: 1, name: 'cpu', labels: {} }]);
      cache.metrics.insertSamples([id!], [1_000], [1]);
      cache.db.pragma('wal_checkpoint(TRUNCATE)');
      cache.close();
      for (const suffix of ['-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
      // Fill the disk to the last block.
      for (const size of [65_536, 4_096, 512, 1]) {
        try {
          for (let n = 0; ; n++) fs.writeFileSync(path.join(disk, `filler-${size}-${n}`), Buffer.alloc(size));
        } catch (error) {
          expect((error as { code?: string }).code).toBe('ENOSPC');
        }
      }
      for (const [name, target] of [['existing cache', file], ['new cache', path.join(disk, 'other.db')]]) {
        let thrown: unknown;
        try {
          new DesktopData(options(target!));
        } catch (error) {
          thrown = error;
        }
        // It said "could not be opened" (with SQLITE_IOERR_SHMSIZE for the existing file).
        expect(thrown, name).toMatchObject({ code: 'E_INTERNAL', message: expect.stringMatching(/the disk is full\. Free some space, then select the server again/), details: { reason: 'disk-full' } });
      }
      for (const filler of fs.readdirSync(disk).filter((f) => f.startsWith('filler-'))) fs.rmSync(path.join(disk, filler));
      const again = openLocalCache(file);
      expect(again.metrics.sampleCount()).toBe(1);
      again.close();
    } finally {
      spawnSync('umount', [disk]);
    }
  });

  it('says the cache could not be opened, with the code and without the path', () => {
    // The cache folder is a file: the path cannot be created.
    fs.writeFileSync(path.join(dir, 'cache'), '');
    let thrown: unknown;
    try {
      new DesktopData(options(path.join(dir, 'cache', 'profile.db')));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'E_INTERNAL', details: { cause: 'EEXIST' } });
    expect(JSON.stringify((thrown as AppError).toBody())).not.toContain(dir);
  });
});

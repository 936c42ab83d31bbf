import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { openCacheDatabase } from '../cache/cache-database.ts';
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

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { TargetReads } from './target-reads.ts';

describe('TargetReads.recentSamplesOfTarget', () => {
  let dir: string;
  let db: Db;
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function seed(): void {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-history-'));
    db = openDatabase(path.join(dir, 'db.sqlite'));
    const series = db.prepare('INSERT INTO metric_series (id, name, labels, created_at) VALUES (?, ?, ?, 0)');
    series.run(1, 'cpu', JSON.stringify({ host: 'web-1' }));
    series.run(2, 'mem', JSON.stringify({ host: 'web-1' }));
    series.run(3, 'cpu', JSON.stringify({ host: 'db-1' }));
    const sample = db.prepare('INSERT INTO metric_samples (series_id, ts, value, seq) VALUES (?, ?, ?, ?)');
    let seq = 0;
    // cpu every 10 s, mem only every 20 s: distinct times come from either series.
    for (let ts = 0; ts < 200; ts += 10) {
      sample.run(1, ts, ts, ++seq);
      if (ts % 20 === 0) sample.run(2, ts, -ts, ++seq);
      sample.run(3, ts, 1000 + ts, ++seq);
    }
  }

  it("returns the target's samples at its latest distinct times before the bound, oldest first", () => {
    seed();
    const rows = new TargetReads(db).recentSamplesOfTarget('web-1', 150, 3);
    expect(rows.map((r) => [r.seriesId, r.ts])).toEqual([
      [1, 120],
      [2, 120],
      [1, 130],
      [1, 140],
      [2, 140],
    ]);
    expect(rows[1]).toMatchObject({ name: 'mem', labels: { host: 'web-1' }, value: -120 });
  });

  it('is empty for an unknown target or nothing before the bound', () => {
    seed();
    expect(new TargetReads(db).recentSamplesOfTarget('nope', 150, 3)).toEqual([]);
    expect(new TargetReads(db).recentSamplesOfTarget('web-1', 0, 3)).toEqual([]);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Value } from 'typebox/value';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PromHistogram, PromMatrix, PromResponse } from '../../../shared/api/datasources.ts';
import { PromMatrixAnswerSchema } from '../capsule/capsule-schema.ts';
import { openLocalCache, type LocalCache } from './local-cache.ts';

const T0 = 1_800_000_000; // seconds, as Prometheus writes them

/** A range answer with a float series and a native histogram series, one sample a minute for an hour. */
function mixedAnswer(): PromResponse<PromMatrix> {
  const minutes = Array.from({ length: 61 }, (_, i) => T0 + i * 60);
  const histogram = (i: number): PromHistogram => ({ count: String(i), sum: String(i * 0.5), buckets: [[0, '0.25', '0.5', String(i)]] });
  return {
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        { metric: { __name__: 'workers', job: 'api' }, values: minutes.map((s, i) => [s, String(i)]) },
        { metric: { __name__: 'request_seconds', job: 'api' }, histograms: minutes.map((s, i) => [s, histogram(i)]) },
      ],
    },
  };
}

describe('source query answers kept offline', () => {
  let dir: string;
  let cache: LocalCache;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-cache-'));
    cache = openLocalCache(path.join(dir, 'profile.db'));
  });
  afterEach(() => {
    cache.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('clips float and native histogram samples alike to the window asked for', () => {
    const answer = mixedAnswer();
    cache.sources.replaceFor(7, [{ incidentId: 7, datasourceId: 2, query: '{job="api"}', fromTs: T0 * 1000, toTs: (T0 + 3600) * 1000, answer, fetchedAt: 1 }]);
    const found = cache.sources.find(2, '{job="api"}', (T0 + 600) * 1000, (T0 + 1200) * 1000)!;
    const [floats, histograms] = found.answer.data.result;
    expect(floats!.values!.map(([s]) => s)).toEqual(Array.from({ length: 11 }, (_, i) => T0 + 600 + i * 60));
    expect(floats!.histograms).toBeUndefined();
    expect(histograms!.values).toBeUndefined();
    expect(histograms!.histograms!.map(([s]) => s)).toEqual(Array.from({ length: 11 }, (_, i) => T0 + 600 + i * 60));
    expect(histograms!.histograms![0]![1]).toEqual({ count: '10', sum: '5', buckets: [[0, '0.25', '0.5', '10']] });
  });

  it('lets a capsule carry an answer with native histograms, and still refuses a malformed one', () => {
    expect(Value.Check(PromMatrixAnswerSchema, mixedAnswer())).toBe(true);
    const broken = mixedAnswer();
    (broken.data.result[1]!.histograms![0]![1] as unknown as Record<string, unknown>).count = 10;
    expect(Value.Check(PromMatrixAnswerSchema, broken)).toBe(false);
  });
});

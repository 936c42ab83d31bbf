import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalCache } from './local-cache.ts';
import { canonicalLabels } from '../../../shared/metrics/canonical-labels.ts';

describe('series identity', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('sorts label keys into one spelling', () => {
    expect(canonicalLabels({ b: '2', a: '1' })).toBe('{"a":"1","b":"2"}');
  });

  it('keeps a label named __proto__ (as JSON delivers it), so its series stays apart from the one without it', () => {
    const withProto = JSON.parse('{"__proto__": "x", "host": "web-1"}') as Record<string, string>;
    expect(canonicalLabels(withProto)).toBe('{"__proto__":"x","host":"web-1"}');
    expect(canonicalLabels(withProto)).not.toBe(canonicalLabels({ host: 'web-1' }));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-series-key-'));
    dirs.push(dir);
    const cache = openLocalCache(path.join(dir, 'c.db'));
    const [plain, odd] = cache.metrics.upsertSeries([
      { serverId: 1, name: 'cpu', labels: { host: 'web-1' } },
      { serverId: 2, name: 'cpu', labels: withProto },
    ]);
    expect(odd).not.toBe(plain);
    cache.metrics.insertSamples([plain!, odd!], [1_000, 1_000], [1, 2]);
    expect(cache.metrics.range(plain!, 0, 2_000).values).toEqual([1]);
    expect(cache.metrics.range(odd!, 0, 2_000).values).toEqual([2]);
    expect(Object.keys(cache.metrics.series(odd!)!.labels)).toEqual(['__proto__', 'host']);
    cache.close();
  });
});

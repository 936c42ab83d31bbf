import { describe, expect, it } from 'vitest';
import { matrixToSeries } from './matrix.ts';
import { loadHistory, remember } from './query-history.ts';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

describe('metrics explorer helpers', () => {
  it('turns a Prometheus matrix into chart series, leaving NaN and infinities out of the line', () => {
    const series = matrixToSeries({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [{ metric: { __name__: 'up', job: 'node' }, values: [[1700000000, '1'], [1700000015, 'NaN'], [1700000030, '+Inf'], [1700000045.5, '0.5']] }],
      },
    });
    expect(series).toEqual([{ id: 0, name: 'up', labels: { job: 'node' }, timestamps: [1_700_000_000_000, 1_700_000_045_500], values: [1, 0.5] }]);
  });

  it('keeps the newest queries first, without duplicates, at most fifty', () => {
    const storage = memoryStorage();
    remember('up', storage);
    remember('rate(x[5m])', storage);
    expect(remember('  up ', storage)).toEqual(['up', 'rate(x[5m])']);
    for (let i = 0; i < 60; i++) remember(`q${i}`, storage);
    const history = loadHistory(storage);
    expect(history).toHaveLength(50);
    expect(history[0]).toBe('q59');
  });
});

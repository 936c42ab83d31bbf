import { describe, expect, it } from 'vitest';
import { decodeRange, encodeRange, pointsForWidth, resolveRange } from './time-range.ts';
import { buildOverlaySelector, buildSelector, labelsFromPairs } from './selector.ts';
import { parseSelector } from '../../../../shared/metrics/selector.ts';

describe('time ranges and selectors', () => {
  it('round-trips relative and absolute ranges through the URL', () => {
    expect(decodeRange(encodeRange({ kind: 'relative', minutes: 60 }), { kind: 'relative', minutes: 15 })).toEqual({ kind: 'relative', minutes: 60 });
    expect(decodeRange('1000..2000', { kind: 'relative', minutes: 15 })).toEqual({ kind: 'absolute', from: 1000, to: 2000 });
    expect(decodeRange('2000..1000', { kind: 'relative', minutes: 15 })).toEqual({ kind: 'relative', minutes: 15 });
    expect(resolveRange({ kind: 'relative', minutes: 1 }, 120_000)).toEqual({ from: 60_000, to: 120_000 });
  });

  it('asks for about one point per pixel, rounded for cache reuse', () => {
    expect(pointsForWidth(0)).toBe(100);
    expect(pointsForWidth(1234)).toBe(1300);
    expect(pointsForWidth(1_000_000)).toBe(20_000);
  });

  it('builds escaped selectors from label chips', () => {
    expect(buildSelector('cpu', labelsFromPairs(['host=web-1', 'path=a"b']))).toBe('cpu{host="web-1",path="a\\"b"}');
    expect(buildSelector('up', {})).toBe('up');
    const overlay = buildOverlaySelector(['node_cpu_utilisation_ratio', 'node_memory_used_bytes'], { host: 'web-1' });
    expect(overlay).toBe('{__name__=~"node_cpu_utilisation_ratio|node_memory_used_bytes",host="web-1"}');
    expect(parseSelector(overlay)).toEqual([
      { name: '__name__', op: '=~', value: 'node_cpu_utilisation_ratio|node_memory_used_bytes' },
      { name: 'host', op: '=', value: 'web-1' },
    ]);
    expect(buildOverlaySelector(['cpu', 'cpu'], {})).toBe('cpu');
  });
});

import { describe, expect, it } from 'vitest';
import { queryString } from './client.ts';

describe('queryString', () => {
  it('encodes values and repeats keys for arrays, dropping empty ones', () => {
    const text = queryString({ match: 'node_cpu{host="web 1"}', state: ['firing', 'acknowledged'], limit: 50, text: '', cursor: undefined });
    const parsed = new URLSearchParams(text.slice(1));
    expect(parsed.get('match')).toBe('node_cpu{host="web 1"}');
    expect(parsed.getAll('state')).toEqual(['firing', 'acknowledged']);
    expect(parsed.get('limit')).toBe('50');
    expect(parsed.has('text')).toBe(false);
    expect(parsed.has('cursor')).toBe(false);
  });

  it('is empty without parameters', () => {
    expect(queryString({})).toBe('');
    expect(queryString(undefined)).toBe('');
  });
});

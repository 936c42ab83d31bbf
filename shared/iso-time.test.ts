import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time.ts';

describe('isoTime', () => {
  it('writes a time a Date holds as ISO 8601, and any other number as itself instead of throwing', () => {
    expect(isoTime(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoTime(8_640_000_000_000_000)).toBe('+275760-09-13T00:00:00.000Z');
    expect(isoTime(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(isoTime(-Number.MAX_SAFE_INTEGER)).toBe('-9007199254740991');
    expect(isoTime(Number.NaN)).toBe('NaN');
  });
});

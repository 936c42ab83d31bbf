import { describe, expect, it } from 'vitest';
import { compileAnchoredRegex, RegexSyntaxError } from './anchored.ts';

describe('anchored RE2 regular expressions', () => {
  it('anchors at both ends like Prometheus (^(?:re)$)', () => {
    const re = compileAnchoredRegex('/var.*');
    expect(re.test('/var/log')).toBe(true);
    expect(re.test('x/var/log')).toBe(false);
    expect(compileAnchoredRegex('a|b').test('ab')).toBe(false);
    expect(compileAnchoredRegex('a|b').test('b')).toBe(true);
    expect(compileAnchoredRegex('').test('')).toBe(true);
  });

  it('matches a pathological pattern in linear time instead of backtracking', () => {
    // Exponential on a backtracking engine: 2^60 paths before giving up on the missing "!".
    const re = compileAnchoredRegex('node_network_(?:[a-z_]|[a-z_])*!');
    expect(re.test(`node_network_${'a'.repeat(60)}`)).toBe(false);
    expect(re.test(`node_network_${'a'.repeat(60)}!`)).toBe(true);
  });

  it('refuses syntax RE2 does not have (lookaround, backreferences) with a clear error', () => {
    expect(() => compileAnchoredRegex('(?=a)a')).toThrow(RegexSyntaxError);
    expect(() => compileAnchoredRegex('(a)\\1')).toThrow(RegexSyntaxError);
    expect(() => compileAnchoredRegex('(a')).toThrow(/invalid regular expression "\(a"/);
  });
});

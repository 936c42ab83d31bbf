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

  it('refuses a pattern whose counted repetitions expand past the bound, before compiling it', () => {
    // Under 1,024 characters, ~20,000 instructions: re2js took ~0.5 s to compile it, and 110
    // copies of \pL{999} (884 characters) 10 s and 700 MB (eleventh attack round).
    expect(() => compileAnchoredRegex('.{999}'.repeat(20))).toThrow(/too large/);
    expect(() => compileAnchoredRegex(`(?:${'\\pL{999}'.repeat(110)})`)).toThrow(RegexSyntaxError);
    expect(() => compileAnchoredRegex('(?:[a-z]{100}){20}x')).toThrow(/too large/);
    expect(() => compileAnchoredRegex('(?:a{10}|b){10}'.repeat(100))).toThrow(/too large/);
  });

  it('keeps the patterns people write, and any 1,024 characters without counted repetition', () => {
    const ip = compileAnchoredRegex('(?:[0-9]{1,3}\\.){3}[0-9]{1,3}');
    expect(ip.test('10.0.3.7')).toBe(true);
    expect(compileAnchoredRegex('.{0,64}').test('x'.repeat(64))).toBe(true);
    expect(compileAnchoredRegex('\\pL{1000}').test('é'.repeat(1000))).toBe(true);
    const hosts = Array.from({ length: 100 }, (_, i) => `web-${i}`).join('|');
    expect(compileAnchoredRegex(hosts).test('web-42')).toBe(true);
    for (const text of ['.'.repeat(1024), '\\pL'.repeat(341), '[^a]'.repeat(256), 'a|'.repeat(511) + 'a', '(?:a)'.repeat(204), '(?i)'.repeat(256), '\\Q{999}\\E'.repeat(100)]) {
      expect(() => compileAnchoredRegex(text.slice(0, 1024)), text.slice(0, 20)).not.toThrow();
    }
  });

  it('reads escapes, classes and quoted text as RE2 does when sizing', () => {
    // A `{` that starts no repetition is a literal; \Q…\E and classes hold no repetition.
    expect(compileAnchoredRegex('a{x}').test('a{x}')).toBe(true);
    expect(compileAnchoredRegex('[]{999}]').test('}')).toBe(true);
    expect(compileAnchoredRegex('\\Q.{999}\\E').test('.{999}')).toBe(true);
    expect(compileAnchoredRegex('\\{999}').test('{999}')).toBe(true);
    expect(() => compileAnchoredRegex('[[:alpha:]]{999}'.repeat(20))).toThrow(/too large/);
    expect(() => compileAnchoredRegex('\\x{41}{999}'.repeat(20))).toThrow(/too large/);
  });
});

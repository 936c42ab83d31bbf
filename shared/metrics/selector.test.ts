import { describe, expect, it } from 'vitest';
import { compileMatchers, parseSelector, SelectorError } from './selector.ts';

describe('series selectors', () => {
  it('parses a name with all four label operators', () => {
    expect(parseSelector('node_filesystem_avail_bytes{mount="/", device!="tmpfs", fstype=~"ext.*", host!~\'db-\\\\d+\'}')).toEqual([
      { name: '__name__', op: '=', value: 'node_filesystem_avail_bytes' },
      { name: 'mount', op: '=', value: '/' },
      { name: 'device', op: '!=', value: 'tmpfs' },
      { name: 'fstype', op: '=~', value: 'ext.*' },
      { name: 'host', op: '!~', value: 'db-\\d+' },
    ]);
  });

  it('accepts a bare name, bare braces and a trailing comma', () => {
    expect(parseSelector('up')).toEqual([{ name: '__name__', op: '=', value: 'up' }]);
    expect(parseSelector('{host="a",}')).toEqual([{ name: 'host', op: '=', value: 'a' }]);
  });

  it('rejects malformed selectors and bad regular expressions', () => {
    for (const bad of ['', '{}', 'up{host}', 'up{host="a"', 'up{host=a}', 'up{host=~"("}', 'up extra', '9up']) {
      expect(() => parseSelector(bad), bad).toThrow(SelectorError);
    }
  });

  it('matches anchored regular expressions and treats a missing label as empty', () => {
    const match = compileMatchers(parseSelector('cpu{host=~"web-.*", zone!~"eu", role=""}'));
    expect(match('cpu', { host: 'web-1' })).toBe(true);
    expect(match('cpu', { host: 'xweb-1' })).toBe(false);
    expect(match('cpu', { host: 'web-1', zone: 'eu' })).toBe(false);
    expect(match('cpu', { host: 'web-1', zone: 'eu-west' })).toBe(true);
    expect(match('cpu', { host: 'web-1', role: 'db' })).toBe(false);
    expect(match('mem', { host: 'web-1' })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { normalizeServerUrl } from './server-url.ts';

describe('server URLs', () => {
  it('keeps scheme, host, port and a proxy path prefix, without trailing slashes', () => {
    expect(normalizeServerUrl(' https://Ops.Example.com/ ')).toBe('https://ops.example.com');
    expect(normalizeServerUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(normalizeServerUrl('https://gw.example.com/smartcloudops//')).toBe('https://gw.example.com/smartcloudops');
    expect(normalizeServerUrl('http://[::1]:8787/')).toBe('http://[::1]:8787');
    expect(normalizeServerUrl('https://gw.example.com/a%3Fb/')).toBe('https://gw.example.com/a%3Fb');
  });

  it('refuses other schemes, credentials, queries and fragments', () => {
    for (const url of ['ftp://ops.example.com', 'file:///srv', 'https://u:p@ops.example.com', 'https://ops.example.com/?a=1', 'https://ops.example.com/#x', 'ops.example.com', 'https://ops.example.com/?', 'https://ops.example.com/#', 'https://ops.example.com?#', 'https://gw.example.com/sco?']) {
      expect(() => normalizeServerUrl(url), url).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    }
  });
});

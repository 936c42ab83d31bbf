import { describe, expect, it } from 'vitest';
import { safeExternalUrl } from './external-links.ts';

describe('external links', () => {
  it('lets https through, normalized', () => {
    expect(safeExternalUrl('https://docs.example.com/runbooks?id=1')).toBe('https://docs.example.com/runbooks?id=1');
    expect(safeExternalUrl('HTTPS://Example.COM')).toBe('https://example.com/');
  });

  it('refuses every other scheme and embedded credentials', () => {
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:/id', 'https://user:pw@example.com', 'nonsense', `https://example.com/${'a'.repeat(5000)}`]) {
      expect(safeExternalUrl(url), url).toBeNull();
    }
  });
});

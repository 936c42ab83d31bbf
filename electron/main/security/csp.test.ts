import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './csp.ts';

describe('content security policy', () => {
  it('allows only the app itself in production, no inline or eval scripts', () => {
    const policy = contentSecurityPolicy();
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("connect-src 'self';");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('opens the dev server origin and its websocket in development only', () => {
    const policy = contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' });
    expect(policy).toContain('connect-src \'self\' http://localhost:5173 ws://localhost:5173');
    expect(policy).not.toContain('unsafe-eval');
  });
});

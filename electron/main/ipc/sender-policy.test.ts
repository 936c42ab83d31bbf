import { describe, expect, it } from 'vitest';
import { createSenderPolicy, originOf } from './sender-policy.ts';

describe('sender policy', () => {
  it('rebuilds origins of custom schemes that WHATWG URL reports as "null"', () => {
    expect(originOf('app://console/index.html#/alerts')).toBe('app://console');
    expect(originOf('http://localhost:5173/')).toBe('http://localhost:5173');
    expect(originOf('about:blank')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });

  it('trusts only top-level frames of the allowed origins', () => {
    const trusted = createSenderPolicy(['app://console']);
    expect(trusted({ url: 'app://console/', parent: null })).toBe(true);
    expect(trusted({ url: 'app://console/', parent: { url: 'app://console/', parent: null } })).toBe(false);
    expect(trusted({ url: 'data:text/html,hi', parent: null })).toBe(false);
    expect(trusted(null)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { isOwnRequest } from './own-request.ts';

describe('isOwnRequest', () => {
  it("is a person's own request, matched by name", () => {
    expect(isOwnRequest({ requestedBy: 'alice', requestedByKind: 'user' }, 'alice')).toBe(true);
    expect(isOwnRequest({ requestedBy: 'alice', requestedByKind: 'user' }, 'bob')).toBe(false);
    expect(isOwnRequest({ requestedBy: 'alice', requestedByKind: 'user' }, null)).toBe(false);
  });

  it('is never a key or trigger named like the user: an operator key called "admin" must not take the admin\'s Approve button', () => {
    expect(isOwnRequest({ requestedBy: 'admin', requestedByKind: 'apiKey' }, 'admin')).toBe(false);
    expect(isOwnRequest({ requestedBy: 'trigger:Down', requestedByKind: 'system' }, 'trigger:Down')).toBe(false);
  });
});

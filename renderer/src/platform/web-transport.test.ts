import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebTransport } from './web-transport.ts';
import { createTokenStore } from './token-store.ts';

describe('web transport', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    delete (window as { cookieStore?: unknown }).cookieStore;
  });

  it('sends a request at once, without first reading an XSRF cookie through the (asynchronous) Cookie Store', () => {
    // Chromium has window.cookieStore; a read that never answers stands for a busy main thread.
    const get = vi.fn(() => new Promise(() => undefined));
    (window as { cookieStore?: unknown }).cookieStore = { get };
    const sent: string[] = [];
    vi.spyOn(XMLHttpRequest.prototype, 'send').mockImplementation(function (this: XMLHttpRequest) {
      sent.push('sent');
    });
    const { transport } = createWebTransport({ baseURL: window.location.origin, tokens: createTokenStore(null), onSessionEnded: () => undefined });
    void transport({ method: 'GET', path: '/api/v1/alerts' }).catch(() => undefined);
    // Synchronously, in the same task: not after a promise the browser answers later.
    expect(sent).toEqual(['sent']);
    expect(get).not.toHaveBeenCalled();
  });
});

/** The part of Electron's WebFrameMain the sender check needs. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: SenderFrame | null;
}

/**
 * `scheme://host[:port]` of a URL. WHATWG `URL.origin` is the string "null" for
 * non-special schemes such as our `app:`, so the origin is rebuilt from its parts.
 */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (!parsed.host) return null;
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

/**
 * Only the console's own top-level document may call main: not an iframe (even a
 * same-origin one), not a page that navigation somehow reached, not a destroyed frame.
 */
export function createSenderPolicy(allowedOrigins: readonly string[]): (frame: SenderFrame | null | undefined) => boolean {
  const allowed = new Set(allowedOrigins);
  return (frame) => {
    if (!frame || frame.parent !== null) return false;
    const origin = originOf(frame.url);
    return origin !== null && allowed.has(origin);
  };
}

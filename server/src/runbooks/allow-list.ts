/**
 * Where `http` and `webhook` steps may go: a URL is allowed when it starts with one of the
 * configured base URLs on a path-segment boundary (same scheme, host and port), so
 * `http://127.0.0.1:8080/` allows `/health` but `http://127.0.0.1:8080/ops` does not allow
 * `/opsx`. Nothing is allowed by default.
 */
export function isAllowed(url: URL, allowList: readonly string[]): boolean {
  if (url.username !== '' || url.password !== '') return false;
  return allowList.some((base) => {
    const allowed = new URL(base);
    if (allowed.origin !== url.origin) return false;
    const prefix = allowed.pathname.endsWith('/') ? allowed.pathname : `${allowed.pathname}/`;
    return url.pathname === allowed.pathname || url.pathname.startsWith(prefix);
  });
}

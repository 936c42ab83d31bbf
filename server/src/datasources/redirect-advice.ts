/**
 * A source answering a redirect (http:// to https://, a path prefix added by the proxy in
 * front): undici's dispatch does not follow it, and it must not, since the request carries
 * the source's credentials, which were given for the host the admin named and not for
 * wherever a redirect points. So the redirect is reported with the address to put in the
 * data source instead: the target without its `/api/v1/…` tail and its query, which the
 * message would otherwise end with (a nginx "301 Moved Permanently" page told nobody where).
 */
export function redirectAdvice(status: number, location: string | undefined, requested: URL): string | undefined {
  if (status < 300 || status >= 400 || !location) return undefined;
  let target: URL;
  try {
    target = new URL(location, requested);
  } catch {
    return `HTTP ${status}, a redirect to "${location.slice(0, 200)}" (not a URL)`;
  }
  const api = target.pathname.indexOf('/api/v1/');
  const base = `${target.origin}${(api === -1 ? target.pathname : target.pathname.slice(0, api)).replace(/\/+$/, '')}`;
  return `HTTP ${status}, a redirect to ${base}: redirects are not followed (the source's credentials go only to the host it names); set the data source's URL to ${base}`;
}

import type { NavigationTarget } from '../../../shared/ipc/channels/app.ts';

export const DEEP_LINK_SCHEME = 'smartcloudops';

/**
 * Matched on the raw text rather than through URL parsing, which would resolve dot
 * segments and percent-escapes first. Some launchers append a trailing slash.
 */
const INCIDENT_LINK = /^smartcloudops:\/\/incident\/([A-Za-z0-9_-]{1,64})\/?$/i;

/**
 * `smartcloudops://incident/<id>` and nothing else: other hosts, extra path segments,
 * queries, fragments, credentials, ports and escapes are refused, because a deep link
 * can be clicked from any web page or mail.
 */
export function parseDeepLink(raw: string): NavigationTarget | null {
  if (typeof raw !== 'string' || raw.length > 256) return null;
  const match = INCIDENT_LINK.exec(raw);
  return match?.[1] ? { kind: 'incident', incidentId: match[1] } : null;
}

/**
 * The deep link in a command line (Windows and Linux pass it as an argument to the
 * second instance or to the first start), if any.
 */
export function deepLinkFromArgv(argv: readonly string[]): NavigationTarget | null {
  for (const argument of argv) {
    if (argument.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) return parseDeepLink(argument);
  }
  return null;
}

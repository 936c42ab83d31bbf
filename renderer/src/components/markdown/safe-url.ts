/** Link schemes a note may carry; anything else (javascript:, data:, vbscript:, file:) becomes no link. */
const ALLOWED = /^(https?:|mailto:)/i;

/**
 * Keeps absolute http(s)/mailto URLs and in-app hash links (`#/incidents/3`); drops the rest.
 * Control characters and whitespace are stripped first, as browsers do when parsing a scheme.
 */
export function safeUrl(url: string): string {
  // eslint-disable-next-line no-control-regex
  const compact = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (compact.startsWith('#')) return compact;
  return ALLOWED.test(compact) ? url : '';
}

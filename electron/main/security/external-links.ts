/**
 * The only URLs main hands to the operating system: https, no embedded credentials.
 * Returns the normalized URL, or null for anything else (http, file:, javascript:,
 * custom schemes that could launch other programs).
 */
export function safeExternalUrl(raw: string): string | null {
  if (raw.length > 4096) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username || url.password || !url.hostname) return null;
  return url.href;
}

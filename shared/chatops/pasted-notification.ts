/**
 * A notification pasted into chat before the order it prompted ("[FIRING:1] NodeDown (web-2 critical)⏎ack 12", "[PagerDuty]
 * Triggered #12: HighCPU on web-1⏎ack 12", "PagerDuty: Incident #7 triggered - NodeDown web-2⏎take incident 7"): its lines
 * are the alerting system's words, not the asker's, as a line quoted with "> " is; the lines after them are read alone.
 * Read with them the order was not understood ("silence db-2 for 2h", "restart nginx on web-2"), or read at a lower
 * confidence. Only lines that lead the message, from the first, and only with a line after them.
 */

/** The first line of a notification as Alertmanager's and PagerDuty's templates write it. */
const HEADER = /^\s*[*_]{0,2}(?:\[(?:firing|resolved)(?::\s*\d+)?\]|\[?pagerduty\]?\s*:?|(?:alert|incident)\s*#?\d*\s*(?:triggered|resolved|firing)\b|triggered\s*:)/i;
/** The lines that follow a header in such a notification: its fields ("Labels:", "- alertname = DiskFull", "summary: …"). */
const FIELD = /^\s*(?:[-*•]\s+\S|(?:labels|annotations|summary|description|source|severity|value|details|alerts?\s+firing|alerts?\s+resolved|runbook(?:_url)?|dashboard|graph|service|urgency|assigned\s+to|status)\s*:)/i;

export function withoutPastedNotification(text: string): { pasted: string; rest: string } | null {
  const lines = text.split('\n');
  if (lines.length < 2 || !HEADER.test(lines[0]!)) return null;
  let end = 1;
  while (end < lines.length && (HEADER.test(lines[end]!) || FIELD.test(lines[end]!) || lines[end]!.trim() === '')) end++;
  const rest = lines.slice(end).join('\n').trim();
  return { pasted: lines.slice(0, end).join('\n').trim(), rest };
}

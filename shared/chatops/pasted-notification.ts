/**
 * A notification pasted into chat before the order it prompted ("[FIRING:1] NodeDown (web-2 critical)⏎ack 12", "[PagerDuty]
 * Triggered #12: HighCPU on web-1⏎ack 12", "PagerDuty: Incident #7 triggered - NodeDown web-2⏎take incident 7"): its lines
 * are the alerting system's words, not the asker's, as a line quoted with "> " is; the lines after them are read alone.
 * Read with them the order was not understood ("silence db-2 for 2h", "restart nginx on web-2"), or read at a lower
 * confidence. Only lines that lead the message, from the first, and only with a line after them.
 */

/**
 * The first line of a notification as Alertmanager's, Grafana's and PagerDuty's templates write it. (Round 14: Grafana's
 * legacy "[Alerting] High CPU alert", "[OK] …", "[No Data] …", its unified "**Firing**" and "Firing: …", a siren's or a
 * fire's emoji leading the line, and "Alert: HighCPU" with its fields; the order after them was read with them, and asked as
 * two commands or not understood.)
 */
const HEADER = /^\s*(?:(?:🔥|🚨|:fire:|:rotating_light:)\s*\S|[*_]{0,2}(?:\[(?:firing|resolved|alerting|ok|no\s*data|pending)(?::\s*\d+)?\]|\[?pagerduty\]?\s*:?|(?:alert|incident)\s*#?\d*\s*(?:triggered|resolved|firing)\b|triggered\s*:|(?:firing|resolved)(?:\s*:|[*_]{1,2}\s*$)|alert(?:name)?\s*:\s*\S))/i;
/** The lines that follow a header in such a notification: its fields ("Labels:", "- alertname = DiskFull", "summary: …"). */
const FIELD = /^\s*(?:[-*•]\s+\S|(?:labels|annotations|summary|description|source|severity|value|values|details|alerts?\s+firing|alerts?\s+resolved|runbook(?:_url)?|dashboard|graph|panel|service|urgency|assigned\s+to|status|instance|host|job|alertname|starts?\s+at|ends?\s+at|message|metric)\s*:)/i;

export function withoutPastedNotification(text: string): { pasted: string; rest: string } | null {
  const lines = text.split('\n');
  if (lines.length < 2 || !HEADER.test(lines[0]!)) return null;
  let end = 1;
  while (end < lines.length && (HEADER.test(lines[end]!) || FIELD.test(lines[end]!) || lines[end]!.trim() === '')) end++;
  const rest = lines.slice(end).join('\n').trim();
  return { pasted: lines.slice(0, end).join('\n').trim(), rest };
}

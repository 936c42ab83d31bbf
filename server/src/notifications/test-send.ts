import type { Alert, Webhook } from '../../../shared/api/alerts.ts';
import type { WebhookTestResult } from '../../../shared/api/notifications.ts';
import { traceHeaders } from '../observability/tracing.ts';
import { renderNotification } from './formats.ts';

/** The alert a test notification describes: plainly a test, never mistaken for a real page. */
export function sampleAlert(now: number): Alert {
  return {
    id: 0,
    fingerprint: 'test',
    source: 'api',
    state: 'firing',
    severity: 'info',
    labels: { alertname: 'SmartCloudOpsTest', severity: 'info' },
    annotations: { summary: 'Test notification from SmartCloudOps: this webhook is reachable.', description: 'Sent from the webhooks page; no alert is firing.' },
    startsAt: now,
    endsAt: null,
    lastSeenAt: now,
    updatedAt: now,
    occurrences: 1,
    silenced: false,
    silencedBy: [],
    acknowledgedBy: null,
    acknowledgedAt: null,
    ackComment: null,
    incidentId: null,
    generatorUrl: null,
  };
}

/** fetch() says "fetch failed" and hides the reason (ECONNREFUSED, timeout) in `cause`. */
function describeFailure(caught: unknown): string {
  const error = caught as Error & { cause?: { message?: string } };
  return error.cause?.message ? `${error.message}: ${error.cause.message}` : error.message;
}

/**
 * Sends one sample notification to a webhook now and reports what the receiver said. It
 * bypasses the delivery queue on purpose: an admin testing a URL wants the answer, not a retry.
 */
export async function sendTestNotification(hook: Pick<Webhook, 'url' | 'format'>, now: number, timeoutMs: number): Promise<WebhookTestResult> {
  const body = JSON.stringify(renderNotification(hook.format, sampleAlert(now), 'firing', now));
  try {
    const response = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'SmartCloudOps-Webhook/1', ...traceHeaders() },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 300;
    return { ok, statusCode: response.status, error: ok ? null : `The receiver answered HTTP ${response.status}.`, sentAt: now };
  } catch (error) {
    return { ok: false, statusCode: null, error: describeFailure(error), sentAt: now };
  }
}

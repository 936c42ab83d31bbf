import type { ResolvedStep } from '../../../../shared/api/runbooks.ts';
import { isAllowed } from '../allow-list.ts';
import { redactUrl } from '../redact.ts';
import type { StepContext, StepResult } from './types.ts';

const BODY_PREVIEW = 4096;

/**
 * The start of the answer, read up to BODY_PREVIEW bytes; the rest is not read (the body is
 * cancelled). Reading it all to show 4 KiB had an answer without end hold the step until its
 * timeout, and a huge one buffered whole in the server's memory.
 */
async function preview(response: Response): Promise<{ text: string; more: boolean }> {
  if (!response.body) return { text: '', more: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let more = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.byteLength;
    if (bytes > BODY_PREVIEW) {
      more = true;
      break;
    }
  }
  if (more) await reader.cancel().catch(() => undefined);
  const text = Buffer.concat(chunks).subarray(0, BODY_PREVIEW).toString('utf8');
  return { text, more };
}

/**
 * `http` and `webhook`: one request to an allow-listed URL (checked again here, not only
 * when planning), redirects not followed (a redirect could leave the allow-list), JSON
 * body, the expected status or any 2xx.
 */
export function httpExecutor(allowList: readonly string[], variable: string) {
  return async (step: ResolvedStep, context: StepContext): Promise<StepResult> => {
    const url = new URL(step.url!);
    if (!isAllowed(url, allowList)) return { ok: false, exitCode: null, error: `${redactUrl(url.href)} is not allow-listed (${variable})` };
    const hasBody = step.body !== undefined && step.method !== 'GET' && step.method !== 'HEAD';
    const headers: Record<string, string> = { 'x-smartcloudops-run': String(context.runId), ...(step.headers ?? {}) };
    if (hasBody) headers['content-type'] = 'application/json';
    // The output is shown to viewers: a credential in the query string is not.
    context.output.write('info', `${step.method} ${redactUrl(url.href)}\n`);
    try {
      const response = await fetch(url, {
        method: step.method,
        headers,
        redirect: 'manual',
        ...(hasBody ? { body: JSON.stringify(step.body) } : {}),
        signal: AbortSignal.any([context.signal, AbortSignal.timeout(step.timeoutMs)]),
      });
      const { text, more } = await preview(response);
      context.output.write('stdout', `HTTP ${response.status}\n${text}${more ? '\n…' : ''}\n`);
      const ok = step.expect ? step.expect.includes(response.status) : response.status >= 200 && response.status < 300;
      return { ok, exitCode: response.status, error: ok ? null : `unexpected status ${response.status}${step.expect ? ` (expected ${step.expect.join(' or ')})` : ''}` };
    } catch (error) {
      const reason = context.signal.aborted ? 'interrupted' : (error as Error).name === 'TimeoutError' ? `timed out after ${step.timeoutMs} ms` : (error as Error).message;
      return { ok: false, exitCode: null, error: `request failed: ${reason}` };
    }
  };
}

import type { Plan, ResolvedStep, ResolvedVerify, RunbookStep } from '../../../shared/api/runbooks.ts';
import { isAllowed } from './allow-list.ts';
import { fillArgv } from './argv.ts';
import { redactUrl } from './redact.ts';
import type { LoadedRunbook } from './parse.ts';
import { stepKind } from './parse.ts';
import type { ParamValue } from './params.ts';
import type { RunbookSettings } from './settings.ts';
import { durationMs } from './settings.ts';
import { canonicalTarget } from './target-key.ts';
import { fill, fillJson, fillUrl, TemplateError, type TemplateScope } from './template.ts';
import { parseCondition } from './verify.ts';
import { fillPromql } from './promql-template.ts';
import { planHash } from './plan-hash.ts';
import { secretParamNames } from '../../../shared/runbooks/secret-params.ts';

export type ResolvedPlan = Omit<Plan, 'state'>;

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/**
 * A silence's `match` filled in. A value that a template left empty (a label the alert does
 * not carry, or no alert: a run by hand) is refused: `service=""` holds for every alert
 * without a `service` label, so the silence meant for one alert would quiet unrelated ones.
 */
function silenceMatch(step: string, match: Record<string, string>, scope: TemplateScope): Record<string, string> {
  const filled = fillJson(match, scope) as Record<string, string>;
  for (const [name, template] of Object.entries(match)) {
    if (template !== '' && filled[name] === '') throw new TemplateError(`step "${step}": the silence matcher ${name}="${template}" is empty here (no such label), and would silence every alert without a ${name} label`);
  }
  return filled;
}

function resolveStep(step: RunbookStep, scope: TemplateScope, settings: RunbookSettings, params: LoadedRunbook['params']): ResolvedStep {
  const kind = stepKind(step);
  const timeoutMs = step.timeout ? durationMs(step.timeout)! : settings.stepTimeoutMs;
  const base = { name: step.name, kind, timeoutMs };
  const allowed = (url: URL, list: readonly string[], what: string, variable: string) => {
    if (!isAllowed(url, list)) throw new PlanError(`step "${step.name}": ${what} ${redactUrl(url.href)} is not allow-listed (${variable})`);
    return url.href;
  };
  switch (kind) {
    case 'run':
      return { ...base, argv: fillArgv(step.run!, scope, params, step.name), ...(step.env ? { env: Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, fill(v, scope)])) } : {}) };
    case 'http': {
      const http = step.http!;
      const expect = http.expect === undefined ? undefined : Array.isArray(http.expect) ? http.expect : [http.expect];
      return {
        ...base,
        method: http.method ?? 'GET',
        url: allowed(fillUrl(http.url, scope), settings.httpAllow, 'URL', 'SMARTCLOUDOPS_RUNBOOK_HTTP_ALLOW'),
        ...(expect ? { expect } : {}),
        ...(http.headers ? { headers: fillJson(http.headers, scope) as Record<string, string> } : {}),
        ...(http.body !== undefined ? { body: fillJson(http.body, scope) } : {}),
      };
    }
    case 'webhook': {
      const webhook = step.webhook!;
      return {
        ...base,
        method: 'POST',
        url: allowed(fillUrl(webhook.url, scope), settings.webhookAllow, 'webhook', 'SMARTCLOUDOPS_RUNBOOK_WEBHOOK_ALLOW'),
        body: fillJson(webhook.payload ?? {}, scope),
        ...(webhook.headers ? { headers: fillJson(webhook.headers, scope) as Record<string, string> } : {}),
      };
    }
    case 'acknowledge':
      return { ...base, text: fill(step.acknowledge!.comment ?? 'Acknowledged by a runbook.', scope) };
    case 'note':
      return { ...base, text: fill(step.note!.text, scope) };
    case 'silence':
      return {
        ...base,
        durationMs: durationMs(step.silence!.duration)!,
        text: fill(step.silence!.comment ?? 'Silenced by a runbook.', scope),
        match: step.silence!.match ? silenceMatch(step.name, step.silence!.match, scope) : { ...scope.labels },
      };
    case 'wait':
      return { ...base, durationMs: durationMs(step.wait!)! };
  }
}

/**
 * What cooldown and concurrency count on: the file's `target`, else the values of the
 * parameters that are not secret (a target is shown everywhere); in canonical form (see target-key.ts).
 */
function targetOf(runbook: LoadedRunbook, params: Record<string, ParamValue>, scope: TemplateScope, secretNames: readonly string[]): string {
  if (runbook.definition.target !== undefined) return canonicalTarget(fill(runbook.definition.target, scope));
  const entries = Object.entries(params).filter(([name]) => !secretNames.includes(name));
  return entries.length === 0 ? '*' : entries.sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => `${key}=${canonicalTarget(String(value))}`).join(',');
}

/** A stable JSON (sorted keys), so the hash depends on content, not on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((key) => (value as Record<string, unknown>)[key] !== undefined).map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Fills every template of the runbook with validated parameters: exactly what would run.
 * The hash covers everything that decides what happens (steps, rollback, verify, target,
 * parameters, incident, safety settings), so an approval of this plan is void once any of
 * it changes (a file edit, another incident). It is keyed (`hashKey`, plan-hash.ts).
 */
export function resolvePlan(runbook: LoadedRunbook, params: Record<string, ParamValue>, incidentId: number | null, labels: Record<string, string>, settings: RunbookSettings, hashKey: Buffer): ResolvedPlan {
  const scope: TemplateScope = { params, labels, incident: { id: incidentId } };
  try {
    const { definition } = runbook;
    let verify: ResolvedVerify | null = null;
    if (definition.verify) {
      verify = { source: definition.verify.source ?? 'metrics', query: fillPromql(definition.verify.query, scope), ...parseCondition(definition.verify.condition), withinMs: durationMs(definition.verify.within)! };
    }
    const secretNames = secretParamNames(runbook.params);
    const body = {
      runbookId: definition.id,
      title: definition.title,
      params,
      incidentId,
      targets: [targetOf(runbook, params, scope, secretNames)],
      steps: definition.steps.map((step) => resolveStep(step, scope, settings, runbook.params)),
      rollback: (definition.rollback ?? []).map((step) => resolveStep(step, scope, settings, runbook.params)),
      verify,
      safety: runbook.safety,
      // Only when there are some: a runbook without secrets keeps the hash it had (approvals waiting across an upgrade).
      ...(secretNames.length > 0 ? { secretParams: secretNames } : {}),
    };
    return { ...body, hash: planHash(hashKey, canonicalJson(body)) };
  } catch (error) {
    if (error instanceof TemplateError) throw new PlanError(error.message);
    throw error;
  }
}

import { isScalar, parseDocument } from 'yaml';
import type { Plan, ResolvedStep, RunbookFile, RunbookStep } from '../../../shared/api/runbooks.ts';

/**
 * Credentials a runbook file holds for the systems it drives (an AWX token in a webhook's
 * `authorization` header, a password in a step's `env`) are needed to execute, and nowhere
 * else: every answer, stream event and dry-run line shows them as `[redacted]`. Which values
 * are credentials is read from the header or variable name. The plan hash is computed on the
 * real values, so changing a token still voids earlier approvals.
 */
const SECRET_NAME = /authorization|cookie|token|secret|passw(?:or)?d|api[-_]?key|credential|private[-_]?key/i;

export const REDACTED = '[redacted]';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function redactRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name, isSecretName(name) ? REDACTED : value]));
}

function redactResolvedStep(step: ResolvedStep): ResolvedStep {
  return { ...step, ...(step.headers ? { headers: redactRecord(step.headers) } : {}), ...(step.env ? { env: redactRecord(step.env) } : {}) };
}

export function redactPlan(plan: Plan): Plan {
  return { ...plan, steps: plan.steps.map(redactResolvedStep), rollback: plan.rollback.map(redactResolvedStep) };
}

function redactStep(step: RunbookStep): RunbookStep {
  return {
    ...step,
    ...(step.env ? { env: redactRecord(step.env) } : {}),
    ...(step.http?.headers ? { http: { ...step.http, headers: redactRecord(step.http.headers) } } : {}),
    ...(step.webhook?.headers ? { webhook: { ...step.webhook, headers: redactRecord(step.webhook.headers) } } : {}),
  };
}

export function redactDefinition(definition: RunbookFile): RunbookFile {
  return { ...definition, steps: definition.steps.map(redactStep), ...(definition.rollback ? { rollback: definition.rollback.map(redactStep) } : {}) };
}

/** Where the file holds credentials: the paths of secret-named env variables and headers. */
function secretPaths(definition: RunbookFile): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [];
  for (const section of ['steps', 'rollback'] as const) {
    (definition[section] ?? []).forEach((step, index) => {
      const records: Array<[Array<string | number>, Record<string, string> | undefined]> = [
        [['env'], step.env],
        [['http', 'headers'], step.http?.headers],
        [['webhook', 'headers'], step.webhook?.headers],
      ];
      for (const [at, record] of records) for (const name of Object.keys(record ?? {})) if (isSecretName(name)) paths.push([section, index, ...at, name]);
    });
  }
  return paths;
}

/**
 * The file as written, with each credential's value replaced in place (by its position in
 * the YAML, so quoting or folding cannot hide one and the rest of the text stays as it is).
 */
export function redactSource(source: string, definition: RunbookFile): string {
  const doc = parseDocument(source, { uniqueKeys: true });
  const ranges = secretPaths(definition)
    .map((at) => doc.getIn(at, true))
    .filter(isScalar)
    .map((node) => node.range!)
    .sort((a, b) => b[0] - a[0]);
  let text = source;
  for (const [start, end] of ranges) text = `${text.slice(0, start)}"${REDACTED}"${text.slice(end)}`;
  return text;
}

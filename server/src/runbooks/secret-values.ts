import type { ResolvedStep } from '../../../shared/api/runbooks.ts';
import { isSecretName } from '../../../shared/runbooks/secret-params.ts';
import { MIN_HUNTED_LENGTH } from './secret-params.ts';


function secretScalars(value: unknown, secret: boolean, into: string[]): void {
  if (Array.isArray(value)) for (const item of value) secretScalars(item, secret, into);
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) secretScalars(item, secret || isSecretName(key), into);
  else if (secret && (typeof value === 'string' || typeof value === 'number')) into.push(String(value));
}

/**
 * The real values of a step's credentials (secret-named env variables, headers, query
 * parameters and JSON keys, the ones redact.ts shows as `[redacted]`), for scrubbing them from what the step's
 * program prints: longest first, so a value that holds another is replaced whole.
 */
export function secretValuesOf(step: ResolvedStep): string[] {
  const values: string[] = [];
  for (const record of [step.env, step.headers]) for (const [name, value] of Object.entries(record ?? {})) if (isSecretName(name)) values.push(value);
  if (step.body !== undefined) secretScalars(step.body, false, values);
  if (step.url !== undefined) {
    try {
      for (const [name, value] of new URL(step.url).searchParams) if (isSecretName(name)) values.push(value);
    } catch {
      // Not a URL: nothing in it reaches a program.
    }
  }
  return [...new Set(values.filter((value) => value.length >= MIN_HUNTED_LENGTH))].sort((a, b) => b.length - a.length);
}

/**
 * A step's credentials and the run's secret parameters' values (secret-params.ts
 * `secretForms`) together, as ScrubbedOutput takes them: none too short to hunt for,
 * longest first.
 */
export function withParamSecrets(stepSecrets: readonly string[], paramSecrets: readonly string[]): string[] {
  if (paramSecrets.length === 0) return [...stepSecrets];
  return [...new Set([...stepSecrets, ...paramSecrets.filter((value) => value.length >= MIN_HUNTED_LENGTH)])].sort((a, b) => b.length - a.length);
}

import type { ParamSpec, Plan } from '../../../shared/api/runbooks.ts';
import { isSecretParam } from '../../../shared/runbooks/secret-params.ts';

export const REDACTED = '[redacted]';

/**
 * Shorter credentials are not hunted for inside text (output, or a longer string of a plan),
 * only blanked where they are a whole string: a 2-letter secret would blank that pair of
 * letters everywhere.
 */
export const MIN_HUNTED_LENGTH = 4;

/** A run's parameters as they may be shown: each secret one `[redacted]`. */
export function shownParams(params: Readonly<Record<string, unknown>>, secretNames: readonly string[]): Record<string, unknown> {
  if (secretNames.length === 0) return { ...params };
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, secretNames.includes(name) ? REDACTED : value]));
}

/**
 * Parameters as a person gave them (before validation), as a refusal's audit entry keeps
 * them: the declared ones, each secret one `[redacted]`, and how many undeclared ones came
 * along. Their names are in the refusal's message (the first few, params.ts): kept whole,
 * one request of 60,000 of them was a 3.5 MB entry in the append-only audit log.
 */
export function shownGivenParams(params: Readonly<Record<string, unknown>>, specs: Readonly<Record<string, ParamSpec>>): { params: Record<string, unknown>; undeclaredParams?: number } {
  const declared = Object.fromEntries(Object.entries(params).filter(([name]) => Object.hasOwn(specs, name)));
  const undeclared = Object.keys(params).length - Object.keys(declared).length;
  const shown = shownParams(declared, Object.keys(declared).filter((name) => isSecretParam(name, specs[name]!)));
  return undeclared > 0 ? { params: shown, undeclaredParams: undeclared } : { params: shown };
}

/**
 * The texts a secret value can take in a plan: as given, percent-encoded (a URL's path or
 * query, template.ts) and escaped inside a JSON or PromQL string. Longest first, so a form
 * that holds another is replaced whole.
 */
export function secretForms(plan: Pick<Plan, 'params' | 'secretParams'>): string[] {
  const forms = new Set<string>();
  for (const name of plan.secretParams ?? []) {
    const value = plan.params[name];
    if (value === undefined || value === null) continue;
    const text = String(value);
    if (text === '') continue;
    forms.add(text);
    forms.add(encodeURIComponent(text));
    forms.add(JSON.stringify(text).slice(1, -1));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

function blankText(text: string, forms: readonly string[]): string {
  if (forms.includes(text)) return REDACTED;
  let out = text;
  for (const form of forms) if (form.length >= MIN_HUNTED_LENGTH && out.includes(form)) out = out.split(form).join(REDACTED);
  return out;
}

/** Every string of a JSON value (keys kept) with the secret values in it blanked. */
export function blankSecrets<T>(value: T, forms: readonly string[]): T {
  if (forms.length === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return blankText(item, forms);
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
    return item;
  };
  return walk(value) as T;
}

/** The plan as it may be shown: secret parameters `[redacted]`, and their values wherever the templates put them. */
export function withoutSecretParams(plan: Plan): Plan {
  const secretNames = plan.secretParams ?? [];
  if (secretNames.length === 0) return plan;
  const forms = secretForms(plan);
  return {
    ...plan,
    params: shownParams(plan.params, secretNames),
    targets: blankSecrets(plan.targets, forms),
    steps: blankSecrets(plan.steps, forms),
    rollback: blankSecrets(plan.rollback, forms),
    verify: blankSecrets(plan.verify, forms),
  };
}

import type { ParamSpec } from '../api/runbooks.ts';

/**
 * Names that say a value is a credential (a header, an env variable, a query parameter, a
 * JSON key, a runbook parameter): `Authorization`, `DB_PASSWORD`, `api_token`, `apiKey`.
 * The server shows such values as `[redacted]`; the console asks for such parameters in a
 * password field.
 */
const SECRET_NAME = /authorization|cookie|token|secret|passw(?:or)?d|api[-_]?key|credential|private[-_]?key/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * A parameter whose value is a credential: declared `secret: true`, or a free string
 * parameter named like one (`password`, `api_token`) unless declared `secret: false`. One
 * with an `enum` is not (its few values are the run form's choices, read by everyone).
 */
export function isSecretParam(name: string, spec: ParamSpec): boolean {
  return spec.secret ?? (spec.type === 'string' && spec.enum === undefined && isSecretName(name));
}

/** The secret parameters of a runbook, in declaration order. */
export function secretParamNames(specs: Readonly<Record<string, ParamSpec>>): string[] {
  return Object.entries(specs)
    .filter(([name, spec]) => isSecretParam(name, spec))
    .map(([name]) => name);
}

import type { ParamSpec } from '../../../../shared/api/runbooks.ts';
import { isSecretParam } from '../../../../shared/runbooks/secret-params.ts';

export type ParamValue = string | number | boolean;

/**
 * Starting values of the run form: given (e.g. from a trigger), else the default, else empty.
 * A secret parameter starts empty: the server shows its default as `[redacted]`, and left
 * empty it is not sent, so the server fills in the real default.
 */
export function initialValues(specs: Readonly<Record<string, ParamSpec>>, given: Readonly<Record<string, string>> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, given[name] ?? (spec.default === undefined || isSecretParam(name, spec) ? '' : String(spec.default))]));
}

/**
 * The form's text as typed values for the API; the server validates them again (and
 * answers each problem), so this only converts.
 */
export function toParams(specs: Readonly<Record<string, ParamSpec>>, values: Readonly<Record<string, string>>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const text = values[name] ?? '';
    if (text === '' && (spec.type !== 'string' || isSecretParam(name, spec))) continue;
    if (spec.type === 'boolean') out[name] = text === 'true';
    else if (spec.type === 'integer' || spec.type === 'number') out[name] = Number(text);
    else out[name] = text;
  }
  return out;
}

import type { ParamSpec } from '../../../shared/api/runbooks.ts';
import { matchesParamPattern } from './param-pattern.ts';

export type ParamValue = string | number | boolean;

/**
 * Problems a refusal names; the rest are counted. Each undeclared parameter is a problem, and
 * a 1 MiB request holds 60,000: listed whole (message and details) any viewer's plan preview
 * got a 5 MB answer.
 */
export const MAX_LISTED_PROBLEMS = 10;

export class ParamError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    const listed = problems.length > MAX_LISTED_PROBLEMS ? [...problems.slice(0, MAX_LISTED_PROBLEMS), `and ${problems.length - MAX_LISTED_PROBLEMS} more`] : problems;
    super(`Invalid parameters: ${listed.join('; ')}`);
    this.name = 'ParamError';
    this.problems = listed;
  }
}

/** Trigger parameters come from labels (text): read them as the declared type. */
function coerce(value: ParamValue, spec: ParamSpec): ParamValue {
  if (typeof value !== 'string' || spec.type === 'string') return value;
  if (spec.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if ((spec.type === 'number' || spec.type === 'integer') && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

function problemOf(name: string, value: ParamValue, spec: ParamSpec): string | null {
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return `${name} must be a string`;
      // No program argument, file name or PostgreSQL text can hold one.
      if (value.includes('\0')) return `${name} must not contain a NUL character`;
      if (spec.minLength !== undefined && [...value].length < spec.minLength) return `${name} must be at least ${spec.minLength} characters`;
      if (spec.maxLength !== undefined && [...value].length > spec.maxLength) return `${name} must be at most ${spec.maxLength} characters`;
      if (spec.pattern !== undefined && !matchesParamPattern(spec.pattern, value)) return `${name} must match ${spec.pattern}`;
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return `${name} must be true or false`;
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a number`;
      if (spec.type === 'integer' && !Number.isInteger(value)) return `${name} must be an integer`;
      if (spec.minimum !== undefined && value < spec.minimum) return `${name} must be at least ${spec.minimum}`;
      if (spec.maximum !== undefined && value > spec.maximum) return `${name} must be at most ${spec.maximum}`;
      break;
  }
  if (spec.enum !== undefined && !spec.enum.includes(value)) return `${name} must be one of ${spec.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  return null;
}

/**
 * Checks the given values against the declared parameters: every declared parameter
 * is required unless it has a default, undeclared ones are refused. Answers the values
 * to use, defaults filled in, in declaration order (so equal inputs give equal plans).
 */
export function validateParams(specs: Readonly<Record<string, ParamSpec>>, given: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  const problems: string[] = [];
  for (const name of Object.keys(given)) if (!Object.hasOwn(specs, name)) problems.push(`${name} is not a parameter of this runbook`);
  const values: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = Object.hasOwn(given, name) ? given[name]! : spec.default;
    if (raw === undefined) {
      problems.push(`${name} is required`);
      continue;
    }
    const value = coerce(raw, spec);
    const problem = problemOf(name, value, spec);
    if (problem) problems.push(problem);
    else values[name] = value;
  }
  if (problems.length > 0) throw new ParamError(problems);
  return values;
}

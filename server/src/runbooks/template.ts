import { redactUrl } from './redact.ts';

/**
 * `{{params.x}}`, `{{labels.x}}` and `{{incident.id}}` templates. A value is substituted as
 * text into the one string that holds the template: an argv item stays one argv item
 * whatever it contains (spaces, `;`, `$(...)`, newlines), and nothing is ever handed to a
 * shell. In URLs each value is percent-encoded, so it cannot add a path, query or host
 * (and `.`/`..` are refused, so it cannot remove a path segment either).
 */
export interface TemplateScope {
  params: Readonly<Record<string, unknown>>;
  labels: Readonly<Record<string, string>>;
  incident: { id: number | null };
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export const REFERENCE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\s*\}\}/g;

/** The references of a template, e.g. `['params.service']`. */
export function references(template: string): string[] {
  return [...template.matchAll(REFERENCE)].map((match) => (match[2] === undefined ? match[1]! : `${match[1]}.${match[2]}`));
}

/** The value of one reference (`root` "params", `key` "service"), as text. */
export function lookup(scope: TemplateScope, root: string, key: string | undefined): string {
  if (root === 'params' && key !== undefined) {
    if (!Object.hasOwn(scope.params, key)) throw new TemplateError(`{{params.${key}}} has no value`);
    return String(scope.params[key]);
  }
  // A label the alert does not carry reads as empty, as in alert rule templates.
  if (root === 'labels' && key !== undefined) return Object.hasOwn(scope.labels, key) ? scope.labels[key]! : '';
  if (root === 'incident' && key === 'id') return scope.incident.id === null ? '' : String(scope.incident.id);
  throw new TemplateError(`unknown template reference {{${key === undefined ? root : `${root}.${key}`}}}`);
}

/** Fills a template into one string. */
export function fill(template: string, scope: TemplateScope, encode: (value: string) => string = (value) => value): string {
  return template.replace(REFERENCE, (_match, root: string, key: string | undefined) => encode(lookup(scope, root, key)));
}

/**
 * A value for a URL, percent-encoded. `.` and `..` are refused: encodeURIComponent leaves
 * them as they are (and the URL parser reads `%2e` as a dot too), so as a path segment they
 * would remove one (`/svc/{{x}}/restart` with `..` calls `/restart`).
 */
function encodeUrlValue(value: string): string {
  if (value === '.' || value === '..') throw new TemplateError(`${JSON.stringify(value)} cannot be used in a URL: it would be read as a dot segment of the path`);
  return encodeURIComponent(value);
}

/** Fills a URL template, percent-encoding every substituted value, and parses the result. */
export function fillUrl(template: string, scope: TemplateScope): URL {
  const text = fill(template, scope, encodeUrlValue);
  try {
    return new URL(text);
  } catch {
    throw new TemplateError(`"${redactUrl(text)}" is not a URL`);
  }
}

/** Fills every string inside a JSON value (request bodies, webhook payloads). */
export function fillJson(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') return fill(value, scope);
  if (Array.isArray(value)) return value.map((item) => fillJson(item, scope));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillJson(item, scope)]));
  return value;
}

/** Every template string of a JSON value, for load-time checks. */
export function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

import { isScalar, parseDocument } from 'yaml';
import type { ParamSpec, Plan, ResolvedStep, RunbookFile, RunbookStep } from '../../../shared/api/runbooks.ts';
import { isSecretName, isSecretParam } from '../../../shared/runbooks/secret-params.ts';
import { REDACTED, withoutSecretParams } from './secret-params.ts';

export { isSecretName, REDACTED };

/**
 * Credentials a runbook file holds for the systems it drives (an AWX token in a webhook's
 * `authorization` header, a password in a step's `env`, an `api_token` in a URL's query, a
 * `password` in a JSON body or payload) are needed to execute, and nowhere else: every
 * answer, stream event and output line shows them as `[redacted]`. Which values are
 * credentials is read from the header, variable, query parameter or JSON key name. The plan
 * hash is computed on the real values, so changing a token still voids earlier approvals
 * (keyed, plan-hash.ts, so the hash does not let a reader test guesses of them).
 */

export function redactRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name, isSecretName(name) ? REDACTED : value]));
}

/** A JSON body or payload: every value under a secret-named key (at any depth) becomes `[redacted]`. */
export function redactJson(value: unknown, secret = false): unknown {
  if (Array.isArray(value)) return value.map((item) => redactJson(item, secret));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactJson(item, secret || isSecretName(key))]));
  return secret ? REDACTED : value;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * A URL (or a URL template) with the values of secret-named query parameters replaced, read
 * as text so that templates and URLs that do not parse are covered too.
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&])([^=&#]*)=([^&#]*)/g, (whole, lead: string, name: string) => (isSecretName(decoded(name)) ? `${lead}${name}=${REDACTED}` : whole));
}

function redactResolvedStep(step: ResolvedStep): ResolvedStep {
  return {
    ...step,
    ...(step.url !== undefined ? { url: redactUrl(step.url) } : {}),
    ...(step.body !== undefined ? { body: redactJson(step.body) } : {}),
    ...(step.headers ? { headers: redactRecord(step.headers) } : {}),
    ...(step.env ? { env: redactRecord(step.env) } : {}),
  };
}

/** The plan as shown: the file's credentials and the secret parameters' values (secret-params.ts) `[redacted]`. */
export function redactPlan(plan: Plan): Plan {
  const shown = withoutSecretParams(plan);
  return { ...shown, steps: shown.steps.map(redactResolvedStep), rollback: shown.rollback.map(redactResolvedStep) };
}

/** Declared parameters as shown: a secret one's default (a credential in the file) `[redacted]`. */
export function redactParamSpecs(specs: Readonly<Record<string, ParamSpec>>): Record<string, ParamSpec> {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, isSecretParam(name, spec) && spec.default !== undefined ? { ...spec, default: REDACTED } : spec]));
}

/** An http or webhook call of the file: its URL's query, its headers and its JSON (`body` or `payload`) redacted. */
function redactCall<Call extends { url: string; headers?: Record<string, string> }>(call: Call, json: 'body' | 'payload'): Call {
  const content = (call as Record<string, unknown>)[json];
  return { ...call, url: redactUrl(call.url), ...(call.headers ? { headers: redactRecord(call.headers) } : {}), ...(content !== undefined ? { [json]: redactJson(content) } : {}) };
}

function redactStep(step: RunbookStep): RunbookStep {
  return {
    ...step,
    ...(step.env ? { env: redactRecord(step.env) } : {}),
    ...(step.http ? { http: redactCall(step.http, 'body') } : {}),
    ...(step.webhook ? { webhook: redactCall(step.webhook, 'payload') } : {}),
  };
}

export function redactDefinition(definition: RunbookFile): RunbookFile {
  return {
    ...definition,
    ...(definition.params ? { params: redactParamSpecs(definition.params) } : {}),
    steps: definition.steps.map(redactStep),
    ...(definition.rollback ? { rollback: definition.rollback.map(redactStep) } : {}),
  };
}

type YamlPath = Array<string | number>;

/** The paths of the scalars under secret-named keys of a JSON value (`at`: where the value sits). */
function secretLeaves(value: unknown, at: YamlPath, secret = false): YamlPath[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => secretLeaves(item, [...at, index], secret));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => secretLeaves(item, [...at, key], secret || isSecretName(key)));
  return secret ? [at] : [];
}

/** Where the file holds credentials, and what each value is shown as instead (a YAML scalar). */
function secretPlaces(definition: RunbookFile): Array<{ at: YamlPath; shown: string }> {
  const places: Array<{ at: YamlPath; shown: string }> = [];
  const redacted = JSON.stringify(REDACTED);
  for (const [name, spec] of Object.entries(definition.params ?? {})) if (isSecretParam(name, spec) && spec.default !== undefined) places.push({ at: ['params', name, 'default'], shown: redacted });
  for (const section of ['steps', 'rollback'] as const) {
    (definition[section] ?? []).forEach((step, index) => {
      const base: YamlPath = [section, index];
      const records: Array<[YamlPath, Record<string, string> | undefined]> = [
        [['env'], step.env],
        [['http', 'headers'], step.http?.headers],
        [['webhook', 'headers'], step.webhook?.headers],
      ];
      for (const [at, record] of records) for (const name of Object.keys(record ?? {})) if (isSecretName(name)) places.push({ at: [...base, ...at, name], shown: redacted });
      for (const [at, url] of [[['http', 'url'], step.http?.url], [['webhook', 'url'], step.webhook?.url]] as const) {
        if (url !== undefined && redactUrl(url) !== url) places.push({ at: [...base, ...at], shown: JSON.stringify(redactUrl(url)) });
      }
      for (const at of [...secretLeaves(step.http?.body, [...base, 'http', 'body']), ...secretLeaves(step.webhook?.payload, [...base, 'webhook', 'payload'])]) places.push({ at, shown: redacted });
    });
  }
  return places;
}

/**
 * The file as written, with each credential's value replaced in place (by its position in
 * the YAML, so quoting or folding cannot hide one and the rest of the text stays as it is).
 */
export function redactSource(source: string, definition: RunbookFile): string {
  const doc = parseDocument(source, { uniqueKeys: true });
  const ranges = secretPlaces(definition)
    .map(({ at, shown }) => ({ node: doc.getIn(at, true), shown }))
    .filter((place): place is { node: { range: [number, number, number] }; shown: string } => isScalar(place.node) && place.node.range !== undefined && place.node.range !== null)
    .map(({ node, shown }) => ({ start: node.range[0], end: node.range[1], shown }))
    .sort((a, b) => b.start - a.start);
  let text = source;
  for (const { start, end, shown } of ranges) text = `${text.slice(0, start)}${shown}${text.slice(end)}`;
  return text;
}

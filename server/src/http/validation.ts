import type { FastifyInstance, FastifySchema } from 'fastify';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { withSafeIntegerBounds } from '../../../shared/api/safe-integer-bounds.ts';

/**
 * Request validation, strict where the default is lenient:
 *
 * - Bodies are JSON and keep their types: `{"username": 1.5}` is refused, not coerced to
 *   "1.5" (no type coercion for bodies).
 * - Numbers must be finite (`strictNumbers`): JSON's `1e999` parses to Infinity.
 * - An integer without a declared range is limited to the safe integers, so no
 *   `1e308` reaches SQLite or date arithmetic.
 * - Integers and numbers in the query string and path are decimal text: ` 1`, `+1`, `1.0`,
 *   `0x1F`, `1e3`, `Infinity` are refused before Ajv would coerce them with `Number()`.
 */
const COMMON: Options = { useDefaults: true, removeAdditional: false, allErrors: false, strictNumbers: true, strict: false };
const INTEGER_TEXT = /^-?(?:0|[1-9][0-9]{0,15})$/;
const NUMBER_TEXT = /^-?(?:0|[1-9][0-9]{0,15})(?:\.[0-9]{1,17})?$/;

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

type Schema = Record<string, unknown>;

function numericKind(schema: unknown): 'integer' | 'number' | null {
  if (schema === null || typeof schema !== 'object') return null;
  const s = schema as Schema;
  if (s.type === 'integer') return 'integer';
  if (s.type === 'number') return 'number';
  for (const variants of [s.anyOf, s.oneOf]) {
    if (Array.isArray(variants)) for (const variant of variants) if (numericKind(variant)) return numericKind(variant);
  }
  return null;
}

/** Properties of a query or path schema that hold numbers, with the text each must be. */
function numericFields(schema: unknown): Array<[string, RegExp]> {
  const properties = (schema as Schema | null)?.properties;
  if (!properties || typeof properties !== 'object') return [];
  return Object.entries(properties as Schema).flatMap(([name, property]): Array<[string, RegExp]> => {
    const kind = numericKind(property);
    return kind ? [[name, kind === 'integer' ? INTEGER_TEXT : NUMBER_TEXT]] : [];
  });
}

function textError(name: string, kind: RegExp): ErrorObject {
  return {
    instancePath: `/${name}`,
    schemaPath: `#/properties/${name}`,
    keyword: 'type',
    params: {},
    message: kind === INTEGER_TEXT ? 'must be a decimal integer' : 'must be a decimal number',
  };
}

/** Checks the raw text of numeric query or path fields, then lets Ajv coerce and validate. */
function strictText(validate: ValidateFunction, fields: Array<[string, RegExp]>): ValidateFunction {
  const wrapped = ((data: unknown, ...rest: unknown[]) => {
    if (data && typeof data === 'object') {
      for (const [name, pattern] of fields) {
        const raw = (data as Record<string, unknown>)[name];
        const texts = Array.isArray(raw) ? raw : [raw];
        const bad = texts.some((text) => typeof text === 'string' && !pattern.test(text));
        if (bad) {
          wrapped.errors = [textError(name, pattern)];
          return false;
        }
      }
    }
    const ok = (validate as (...args: unknown[]) => boolean)(data, ...rest);
    wrapped.errors = validate.errors;
    return ok;
  }) as ValidateFunction;
  // Fastify passes the parent object when the compiled function carries schemaEnv.
  Object.assign(wrapped, { schemaEnv: validate.schemaEnv, schema: validate.schema });
  return wrapped;
}

export function installValidation(app: FastifyInstance): void {
  const bodies = addFormats(new Ajv({ ...COMMON, coerceTypes: false }));
  // Query strings and paths are text by nature: coerce them, after the strict text check.
  const parts = addFormats(new Ajv({ ...COMMON, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) => {
    const bounded = withSafeIntegerBounds(schema) as Schema;
    if (httpPart === 'body') return bodies.compile(bounded);
    const validate = parts.compile(bounded);
    const fields = httpPart === 'querystring' || httpPart === 'params' ? numericFields(bounded) : [];
    return fields.length > 0 ? strictText(validate, fields) : validate;
  });
}

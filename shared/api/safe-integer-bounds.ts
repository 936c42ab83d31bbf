/**
 * A copy of a JSON schema (TypeBox's included) in which every integer without bounds gets
 * the safe-integer range. JSON's `1e308` is a whole number, so `Type.Integer()` alone takes
 * it; no SQLite integer, id or date arithmetic does. Used by the server's request validation
 * and by the desktop app where it checks a file (incident capsules).
 */
export function withSafeIntegerBounds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withSafeIntegerBounds);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // `const`, `enum`, `default` and `examples` hold data, not subschemas.
    copy[key] = key === 'const' || key === 'enum' || key === 'default' || key === 'examples' ? value : withSafeIntegerBounds(value);
  }
  if (copy.type === 'integer') {
    if (copy.maximum === undefined && copy.exclusiveMaximum === undefined) copy.maximum = Number.MAX_SAFE_INTEGER;
    if (copy.minimum === undefined && copy.exclusiveMinimum === undefined) copy.minimum = -Number.MAX_SAFE_INTEGER;
  }
  return copy;
}

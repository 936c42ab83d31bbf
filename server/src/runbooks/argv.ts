import type { ParamSpec } from '../../../shared/api/runbooks.ts';
import { fill, TemplateError, type TemplateScope } from './template.ts';

/** An argv item that is exactly one parameter, e.g. `"{{params.level}}"`. */
const WHOLE_PARAM = /^\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;

/**
 * Whether the runbook file itself vouches for a value that starts an argument with "-": the
 * item is exactly one parameter declared as a number (negative numbers) or with an `enum`
 * holding this value (the author listed it).
 */
function vouchedFor(template: string, value: string, params: Readonly<Record<string, ParamSpec>>): boolean {
  const name = WHOLE_PARAM.exec(template)?.[1];
  const spec = name !== undefined && Object.hasOwn(params, name) ? params[name]! : undefined;
  if (!spec) return false;
  if (spec.type === 'number' || spec.type === 'integer') return true;
  return spec.enum?.some((allowed) => String(allowed) === value) ?? false;
}

/**
 * Fills a `run` step's argv. Each item stays one argument (no shell), but a program still
 * reads an argument that starts with "-" as an option: a parameter or alert label that makes
 * an item start with "-" (`--output=/etc/passwd`, `-oProxyCommand=...`) is refused, unless
 * the file vouches for it (see `vouchedFor`) or a literal `--` item before it ends the
 * options. A NUL byte cannot be part of any argument and is refused too.
 */
export function fillArgv(argv: readonly string[], scope: TemplateScope, params: Readonly<Record<string, ParamSpec>>, step: string): string[] {
  let optionsEnded = false;
  return argv.map((template, index) => {
    const value = fill(template, scope);
    if (value.includes('\0')) throw new TemplateError(`step "${step}": argument ${index} holds a NUL character`);
    if (index > 0 && !optionsEnded && value.startsWith('-') && !template.startsWith('-') && !vouchedFor(template, value, params)) {
      throw new TemplateError(
        `step "${step}": argument ${index} would start with "-" (${JSON.stringify(value.slice(0, 40))}) and be read as an option; ` +
          'such values are refused unless the parameter lists them in `enum`, or a "--" argument before it ends the options',
      );
    }
    if (template === '--') optionsEnded = true;
    return value;
  });
}

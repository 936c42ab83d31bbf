import { RE2JS } from 're2js';

/**
 * A parameter's `pattern`, as JSON Schema reads it (a search, not anchored) but on RE2
 * semantics, like every other regular expression from users (shared/regex/anchored.ts):
 * values come from requesters and alert labels, and an author's pattern with nested
 * quantifiers (`^([a-z]+)+$`) on the backtracking engine would block the event loop for as
 * long as such a value (up to 10 000 characters) takes, which is forever.
 */
const compiled = new Map<string, RE2JS>();

/** Throws on a pattern RE2 cannot read (lookarounds and backreferences included). */
export function compileParamPattern(pattern: string): RE2JS {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = RE2JS.compile(pattern);
    compiled.set(pattern, regex);
  }
  return regex;
}

export function matchesParamPattern(pattern: string, value: string): boolean {
  return compileParamPattern(pattern).test(value);
}

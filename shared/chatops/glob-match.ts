import { compileAnchoredRegex } from '../regex/anchored.ts';

/**
 * A test of names against a chat glob (`web-*`, `db-*-eu`), case-insensitive, on RE2
 * semantics (`compileAnchoredRegex`): linear in the name. Built as a backtracking JavaScript
 * RegExp (`^a.*a.*…b$`) a viewer's "silence a*a*a*a*a*a*a*a*b for 1h" tried every way to
 * place its stars in a long target name: eight stars on a 60-character name held the event
 * loop over two minutes, more stars for hours, and every other request with it.
 *
 * `regex` is the glob as a regular expression (`.*` for each run of stars, the rest escaped).
 */
export function globMatcher(regex: string): (name: string) => boolean {
  const compiled = compileAnchoredRegex(`(?i:${regex})`);
  return (name) => compiled.test(name);
}

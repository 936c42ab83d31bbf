import type { Labels, Matcher } from '../../../shared/api/alerts.ts';
import { compileAnchoredRegex, type AnchoredRegex } from '../../../shared/regex/anchored.ts';
import { labelValue } from '../../../shared/metrics/label-value.ts';

/** A matcher ready to test: regexes compiled once, anchored like Alertmanager's, on RE2 semantics (linear time). */
export type CompiledMatcher = (labels: Labels) => boolean;

export class MatcherError extends Error {
  constructor(matcher: Matcher, reason: string) {
    super(`Matcher ${matcher.name}${matcher.op}"${matcher.value}" is invalid: ${reason}`);
    this.name = 'MatcherError';
  }
}

export function compileMatcher(matcher: Matcher): CompiledMatcher {
  // A missing label reads as the empty string, as in Alertmanager and Prometheus.
  const valueOf = (labels: Labels) => labelValue(labels, matcher.name);
  switch (matcher.op) {
    case '=':
      return (labels) => valueOf(labels) === matcher.value;
    case '!=':
      return (labels) => valueOf(labels) !== matcher.value;
    case '=~':
    case '!~': {
      let re: AnchoredRegex;
      try {
        re = compileAnchoredRegex(matcher.value);
      } catch (error) {
        throw new MatcherError(matcher, (error as Error).message);
      }
      const negate = matcher.op === '!~';
      return (labels) => re.test(valueOf(labels)) !== negate;
    }
  }
}

/** All matchers must hold (AND), as in an Alertmanager silence. */
export function compileMatchers(matchers: readonly Matcher[]): CompiledMatcher {
  const compiled = matchers.map(compileMatcher);
  return (labels) => compiled.every((test) => test(labels));
}

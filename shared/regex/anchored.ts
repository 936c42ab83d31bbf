import { RE2JS } from 're2js';
import { expandedSize, MAX_EXPANDED_SIZE } from './expanded-size.ts';

/**
 * Regular expressions from users (series selectors, silence and route matchers) run on
 * RE2 semantics, as in Prometheus and Alertmanager: matching is linear in the input, so a
 * pattern like `(?:[a-z_]|[a-z_])*!` cannot stall the event loop the way the backtracking
 * JavaScript engine does. Anchored as Prometheus anchors: `^(?:re)$`.
 */
export interface AnchoredRegex {
  readonly source: string;
  test(value: string): boolean;
}

export class RegexSyntaxError extends Error {
  constructor(source: string, reason: string) {
    super(`invalid regular expression "${source}": ${reason}`);
    this.name = 'RegexSyntaxError';
  }
}

export function compileAnchoredRegex(source: string): AnchoredRegex {
  // Sized before compiling: re2js's own bound lets a 900-character pattern take seconds.
  const size = expandedSize(source);
  if (size > MAX_EXPANDED_SIZE) throw new RegexSyntaxError(source, `expression too large: its repetitions expand to about ${size} instructions, more than ${MAX_EXPANDED_SIZE}`);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(`^(?:${source})$`);
  } catch (error) {
    throw new RegexSyntaxError(source, (error as Error).message);
  }
  return { source, test: (value) => compiled.matches(value) };
}

import type { InventoryIndex } from './inventory.ts';
import { FREE_TEXT_MARKERS } from './lexicon.ts';
import type { Token } from './tokens.ts';

/** Environments' names ("prod", "staging"): a label's value on a fleet's series, never a target of their own. */
export const ENVIRONMENTS: ReadonlySet<string> = new Set(['prod', 'production', 'staging', 'stage', 'stg', 'dev', 'development', 'qa', 'uat', 'preprod', 'sandbox']);

/**
 * The environment's name said before any free text ("restart nginx on web-1 in staging") when the inventory has no target of
 * that name, or null. A run goes to the target named, whichever environment it is in: acting with the word dropped would
 * restart web-1 when the asker may have meant a staging host the inventory does not list, so the line is asked about.
 */
export function environmentSaid(tokens: readonly Token[], index: InventoryIndex): Token | null {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (FREE_TEXT_MARKERS.has(token.norm) || tokens[i - 1]?.colon || /^[([]/.test(token.raw)) return null;
    if (ENVIRONMENTS.has(token.norm) && index.target(token.norm, false).length === 0) return token;
  }
  return null;
}

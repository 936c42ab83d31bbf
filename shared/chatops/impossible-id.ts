import type { ParseResult } from './intents.ts';
import { FREE_TEXT_MARKERS, is } from './lexicon.ts';
import { politeLeadEnd } from './rules/orders.ts';
import type { Token } from './tokens.ts';

/**
 * An id no alert, incident, silence or run can have, said where an id is read ("ack 0", "ack alert 0", "ack -3", "ack
 * 99999999999999999999", "incident zero"): answered plainly, before any rule reads the line. "ack 0" acknowledged alert
 * 0 (refused later by the server as no such alert, after a confirmation card for it), and "ack -3" or twenty digits asked
 * "Say which alert" as if no id had been said.
 */

type Kind = 'alert' | 'incident' | 'silence' | 'run';

const NUMBER_WORDS: ReadonlySet<string> = new Set(['number', 'no', 'nr', 'num']);

/** Where each kind of thing is listed with its ids. */
const LISTED: Readonly<Record<Kind, string>> = {
  alert: '"alerts" lists the unresolved ones with theirs',
  incident: '"open incidents" lists the open ones with theirs',
  silence: '"list silences" lists the active ones with theirs',
  run: 'a run\'s card says its own',
};

/** Zero, a negative number, a fraction, or more digits than any id has (ids are read up to nine digits). */
const IMPOSSIBLE = /^#?(?:0+|[-−]\d+|\d{10,}|\d+\.\d+)$/;

/** The kind of id a word says comes next, as a noun ("alert 0") or as the verb that leads the line ("ack 0"). */
function kindAfter(word: Token, leads: boolean): Kind | null {
  const norm = word.norm;
  if (is(norm, 'alert')) return 'alert';
  if (is(norm, 'incident')) return 'incident';
  if (norm === 'run' || norm === 'runs') return leads ? null : 'run';
  if (norm === 'silences' || (norm === 'silence' && !leads)) return 'silence';
  if (!leads) return null;
  if (is(norm, 'ack') || is(norm, 'silence') || ['unack', 'unacknowledge'].includes(norm)) return 'alert';
  if (is(norm, 'unsilence') || norm === 'expire') return 'silence';
  if (['resolve', 'reopen', 'mitigate'].includes(norm)) return 'incident';
  return null;
}

export function impossibleIdAnswer(tokens: readonly Token[]): ParseResult | null {
  // ("can you ack 0?": the verb leads the line after the manners an order opens with.)
  const lead = politeLeadEnd(tokens);
  for (let i = 1; i < tokens.length; i++) {
    if (FREE_TEXT_MARKERS.has(tokens[i - 1]!.norm) || tokens[i - 1]!.colon) return null;
    if (!IMPOSSIBLE.test(tokens[i]!.norm)) continue;
    // ("ack alert number 0": the noun before "number".)
    const at = NUMBER_WORDS.has(tokens[i - 1]!.norm) && i >= 2 ? i - 2 : i - 1;
    const kind = kindAfter(tokens[at]!, at === lead);
    if (kind === null) continue;
    const said = tokens[i]!.norm;
    const text = `No ${kind} has the id ${said.length > 12 ? `${said.slice(0, 12)}…` : said}: ids are whole numbers from 1 up (${LISTED[kind]}).`;
    return { intent: 'unknown', slots: {}, confidence: 0.45, requiredPermission: null, preview: text, alternatives: [] };
  }
  return null;
}

import { FuzzyIndex } from './fuzzy.ts';
import type { InventoryIndex } from './inventory.ts';
import { KNOWN_FORMS } from './lexicon.ts';
import type { Token } from './tokens.ts';

/**
 * Words of the grammar a slip of the fingers is read as ("incdient" → incident, "critcal" →
 * critical, "reslove" → resolve): the nouns, states and orders a line turns on, chosen because
 * no common English word is one edit from them (the whole lexicon is not: "fired" is one edit
 * from "fixed", "doing" from "going"). Shorter words are not corrected: one edit there is
 * another word.
 */
const GRAMMAR_WORDS = [
  'incident', 'incidents', 'alert', 'alerts', 'silence', 'silences', 'runbook', 'runbooks', 'anomaly', 'anomalies', 'anomalous',
  'critical', 'warning', 'warnings', 'firing', 'acknowledged', 'resolved', 'mitigated', 'unassigned', 'commander',
  'acknowledge', 'resolve', 'reopen', 'mitigate', 'unsilence', 'restart', 'rollback', 'failover', 'explain', 'commands',
];
const SPELLING = new FuzzyIndex<string>(GRAMMAR_WORDS.map((w) => [w, w] as const));
const GRAMMAR = new Set(GRAMMAR_WORDS);

/** Short metric words, and each of them with two neighbouring letters swapped ("dsik" → disk, "laod" → load). */
const SHORT_METRIC_WORDS = ['disk', 'load', 'swap', 'iops'];
const SWAPPED_SHORT: ReadonlyMap<string, string> = new Map(SHORT_METRIC_WORDS.flatMap((w) =>
  [...w].slice(0, -1).map((_, i) => [`${w.slice(0, i)}${w[i + 1]}${w[i]}${w.slice(i + 2)}`, w] as const).filter(([typo]) => typo !== w)));

/** A token corrected to a grammar word keeps what was typed in `raw` (comments and notes are cut from the text as typed). */
export interface SpellingResult {
  tokens: Token[];
  /** How many words were read as another: each lowers the parse's confidence a little. */
  corrected: number;
}

/**
 * Reads near misses of the grammar's words as those words, one edit or one swap of
 * neighbouring letters at most and only when one word is that close. A word the lexicon
 * knows, one with digits or signs (a host, an id), a target or a metric of the inventory
 * is left as typed.
 */
export function correctSpelling(tokens: readonly Token[], index: InventoryIndex): SpellingResult {
  let corrected = 0;
  const out = tokens.map((token) => {
    const word = token.norm;
    // ("dsik on db-1", "laod on api-2": a short metric word with two letters swapped; one edit of a four-letter word is
    // often another word, a swap of these is none.)
    const swapped = word.length === 4 ? SWAPPED_SHORT.get(word) : undefined;
    if (swapped !== undefined && !KNOWN_FORMS.has(word) && index.target(word, false).length === 0) {
      corrected++;
      return { ...token, norm: swapped };
    }
    if (word.length < 5 || !/^[a-z]+$/.test(word) || KNOWN_FORMS.has(word) || GRAMMAR.has(word)) return token;
    if (index.target(word, false).length > 0 || index.metric(word) !== null) return token;
    const hits = SPELLING.lookup(word);
    const forms = new Set(hits.map((h) => h.item));
    // One edit (or a swap) only: the fuzzy index's score for one edit is 1 - 1/(2·length).
    if (forms.size !== 1 || hits[0]!.score < 1 - 1 / (2 * Math.max(word.length, 4)) - 1e-9) return token;
    // An edit at the end is another form of a word, not a slip: "paged", "expired", "issue" are read as typed.
    if (sharedPrefix(word, hits[0]!.item) >= Math.min(word.length, hits[0]!.item.length) - 1) return token;
    corrected++;
    return { ...token, norm: hits[0]!.item };
  });
  return { tokens: out, corrected };
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

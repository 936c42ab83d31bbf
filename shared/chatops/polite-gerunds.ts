import { RUNBOOK_ACTIONS, verbOf } from './lexicon.ts';
import { saidBeforeFreeText } from './spoken-ids.ts';

/**
 * A request said with "mind" and the order's -ing form ("mind silencing web-1 for an hour?", "would you mind resolving 7",
 * "do you mind acking 12", "would you mind assigning incident 7 to bob"), read as the polite order it is, "would you silence
 * web-1 for an hour?". They were not understood, or asked ("mind acking 12?": a question). The words are rewritten before
 * the line is read, so every rule, those that read the text as well as those that read its words, sees the order.
 * ("do you mind if I ack 12" asks leave, and is left as it is: "if" follows "mind", no order's -ing form.)
 */

/** Orders' verbs that are not the lexicon's (a status set, a commander named or taken, an ack undone). */
const OTHER_ORDERS: ReadonlySet<string> = new Set(['resolve', 'mitigate', 'reopen', 'close', 'assign', 'reassign', 'unack', 'mark', 'cancel', 'expire', 'unsilence', 'take', 'hand', 'transfer', 'unmute', 'unsnooze', 'run']);

/** Is the word an order's verb as said ("ack", "silence", "restart", "resolve"), no typo? */
export function isOrderVerb(base: string): boolean {
  return RUNBOOK_ACTIONS[base] !== undefined || OTHER_ORDERS.has(base) || verbOf(base, 'ack') === 1 || verbOf(base, 'silence') === 1;
}

/** "silencing" → "silence", "acking" → "ack", "restarting" → "restart", "resolving" → "resolve"; null when no order's. */
export function orderOfGerund(word: string): string | null {
  const norm = word.toLowerCase();
  if (!norm.endsWith('ing') || norm.length < 6) return null;
  const stem = norm.slice(0, -3);
  const doubled = /(.)\1$/.test(stem) ? stem.slice(0, -1) : null;
  for (const base of [stem, `${stem}e`, doubled]) {
    if (base === null) continue;
    if (isOrderVerb(base)) return base;
  }
  return null;
}

/** ("never mind acking 12", "I don't mind silencing web-1": a taking back, or the speaker's leave; left as said.) */
const MIND = /(^|[\s,])(?<!never\s|nvr\s|don'?t\s|dont\s|wouldn'?t\s)(?:(?:do|would|could|will)\s+(?:you|u|ya)\s+)?mind\s+([a-z]+ing)\b/i;

export function politeGerundsSaid(text: string): string {
  return text.replace(MIND, (whole: string, before: string, gerund: string, offset: number) => {
    const verb = orderOfGerund(gerund);
    return verb === null || !saidBeforeFreeText(text, offset) ? whole : `${before}would you ${verb}`;
  });
}

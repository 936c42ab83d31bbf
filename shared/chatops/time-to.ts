import { isOrderVerb } from './polite-gerunds.ts';

/**
 * "time to close INC-12", "it's time to resolve incident 7", "ok, high time to fail over the db cluster main": in English an
 * order, said of now. The lead is dropped before the line is read, so the order is read as said plainly; it was read at
 * 0.8 ("time" a word of no rule's), and "it's time to …" at 0.64, one word from not understood. "is it time to close 7?"
 * asks, "almost time to …", "not time to … yet" put it off, and each is left as said.
 */
const TIME_TO = /^((?:(?:ok|okay|alright|right|so|well|yes|yeah)[,\s]+)?)(?:(?:it'?s|it\s+is)\s+)?(?:(?:high|about)\s+)?time\s+to\s+([a-z][\w-]*)(\s+(?:over|back|up))?/i;

/** Two-word verbs' first words ("fail over", "roll back", "clean up"). */
const PHRASAL_HEADS: ReadonlySet<string> = new Set(['fail', 'roll', 'switch', 'clean', 'free']);

export function timeToSaid(text: string): string {
  const said = TIME_TO.exec(text);
  if (said === null) return text;
  const verb = said[2]!.toLowerCase();
  if (!isOrderVerb(verb) && !(PHRASAL_HEADS.has(verb) && said[3] !== undefined)) return text;
  return `${said[1]!}${text.slice(said[0].length - said[2]!.length - (said[3]?.length ?? 0))}`;
}

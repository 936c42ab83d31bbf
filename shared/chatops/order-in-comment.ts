import { FREE_TEXT_MARKERS } from './lexicon.ts';
import type { Token } from './tokens.ts';
import { isOrderVerb } from './whole-line.ts';

/**
 * "ack 12 restart nginx", "resolve 7 silence web-1": a comment said with no marker before it ("-", "because", ":", quotes)
 * that starts with an order's verb, in the form an order uses, may be a second command typed without its "and". Read as the
 * comment, the second order was dropped; read as an order, the comment may have been a plan written down. Returns where
 * that comment starts on the line, or null when the comment is plainly one ("ack 12 restarting nginx", "ack 12 - restart
 * nginx", "ack 12 because restart nginx"). Whether its words do read as an order is the parser's to say (parser.ts).
 */
export function unmarkedOrderAt(text: string, tokens: readonly Token[], comment: string): number | null {
  if (comment === '') return null;
  const at = tokens.findIndex((t, i) => i > 0 && text.slice(t.start).startsWith(comment));
  if (at < 1) return null;
  const before = tokens[at - 1]!;
  if (FREE_TEXT_MARKERS.has(before.norm) || before.colon || /[,;.]$/.test(before.raw)) return null;
  return isOrderVerb(tokens[at]!.norm) ? at : null;
}

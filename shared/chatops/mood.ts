import { actionOf, FREE_TEXT_MARKERS, verbOf, type Word } from './lexicon.ts';
import type { Token } from './tokens.ts';

const LEADING_VERBS: readonly Word[] = ['ack', 'silence', 'unsilence', 'expire', 'note', 'run'];

/**
 * Whether a line asks for something to be done. A question ("did anyone restart web-1",
 * "is incident 7 resolved", "who silenced web-1"), a negation ("don't restart web-1") or a
 * report ("db-2 failover done") names the same verbs as an order but must never be read as
 * one: the parser then drops the state-changing readings of the line, so the line is
 * answered as the question it is, or with "did you mean".
 */
export type Mood = 'order' | 'question' | 'negated' | 'report';

/** Words that open a question (and, first in a line, are not a polite order: see POLITE). */
const QUESTION_OPENERS = new Set([
  'did', 'does', 'do', 'has', 'have', 'had', 'is', 'are', 'was', 'were', 'who', 'whom', 'whose', 'when', 'why', 'how',
  'should', 'shall', 'will', 'would', 'can', 'could', 'what', "what's", 'whats', 'which', 'where', 'whether', 'anyone', 'anybody', 'status',
]);
/** "can you restart …", "could we ack 12", "will you …": orders, asked politely. */
const POLITE_SUBJECTS = new Set(['you', 'u', 'we', 'ya']);
const NEGATIONS = new Set(["don't", 'dont', 'do not', 'never', 'not', "doesn't", "didn't", "shouldn't", "won't", 'no']);
/** Words that weigh an action rather than order it ("we should restart", "maybe flush"). */
const MODALS = new Set(['should', 'might', 'may', 'maybe', 'perhaps', 'ought']);
/** A line that ends with one of these reports what happened ("db-2 failover done"). */
const REPORT_ENDINGS = new Set(['done', 'complete', 'completed', 'finished', 'succeeded', 'worked', 'fine', 'ok', 'okay']);

/** Imperatives that set an incident's status ("mark 7 mitigated", "set incident 7 to resolved", "reopen 7"). */
const STATUS_ORDER_LEADS = new Set(['mark', 'set', 'resolve', 'close', 'reopen', 'mitigate']);

export function moodOf(tokens: readonly Token[]): Mood {
  const words = tokens.map((t) => t.norm);
  const first = words[0] ?? '';
  const second = words[1] ?? '';
  // "don't restart web-1", "do not silence db-2", "never mind": nothing to do.
  if (NEGATIONS.has(first) || (first === 'do' && second === 'not') || (first === 'please' && NEGATIONS.has(second))) return 'negated';
  const politeOrder = ['can', 'could', 'will', 'would'].includes(first) && POLITE_SUBJECTS.has(second);
  if (QUESTION_OPENERS.has(first) && !politeOrder) return 'question';
  // "restart web-1?", "maybe we should restart nginx", "we might flush the cache": asked or weighed, not ordered.
  if (!politeOrder && (tokens.at(-1)?.raw.endsWith('?') || words.slice(0, 3).some((w) => MODALS.has(w)))) return 'question';
  // A line that starts with its verb is an order whatever its comment ends with ("ack 12 - load is fine").
  const lead = first === 'please' || first === 'pls' ? second : first;
  if (LEADING_VERBS.some((word) => verbOf(lead, word) > 0) || actionOf(lead) !== null || STATUS_ORDER_LEADS.has(lead)) return 'order';
  // Only what is said before a comment can make the line a report: "… because rollback done" is the comment's.
  const marker = words.findIndex((w, i) => i > 0 && FREE_TEXT_MARKERS.has(w));
  const said = marker === -1 ? words : words.slice(0, marker);
  if (said.length > 1 && REPORT_ENDINGS.has(said.at(-1)!)) return 'report';
  return 'order';
}

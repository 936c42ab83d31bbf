import type { ParseResult } from './intents.ts';
import { FREE_TEXT_MARKERS } from './lexicon.ts';
import type { Token } from './tokens.ts';

/**
 * A request to be told or paged when something happens ("if cpu on web-1 goes over 90 page me", "alert me if web-1 goes
 * down", "page me when api-1 latency is above 500ms", "let me know when 12 resolves"): chat watches nothing, it does what
 * is asked at once, so the answer says what does watch, an alert rule. They were answered with a guess ("List firing alerts
 * on web-1", "List alerts active in the last 0s on api-1") or "Not understood".
 */

/** Verbs of paging someone, then whom ("page me", "notify us", "ping @bob", "wake the oncall"). */
const TELL_VERBS: ReadonlySet<string> = new Set(['page', 'alert', 'notify', 'ping', 'wake', 'call', 'text', 'email', 'message', 'dm', 'warn']);
/**
 * "tell me", "let me know" ask as often as they watch ("tell me if 12 is acked", "tell me when alert 12 started"): they
 * watch only with something that will happen ("tell me if anything fires on db-1", "let me know when 12 resolves").
 */
const ASKING_TELLS: ReadonlySet<string> = new Set(['tell', 'inform']);
const HAPPENINGS = /^(?:goes|go|gets|get|fires|fire|hits|hit|exceeds|exceed|crosses|cross|drops|drop|resolves|resolve|recovers|recover|comes|come|breaks|break|flaps|flap|spikes|spike|starts|start|stops|stop|happens|happen|changes|change|reaches|reach|fails|fail|dies|die|finishes|finish)$/;
const WHOM: ReadonlySet<string> = new Set(['me', 'us', 'bob', 'someone', 'oncall', 'on-call', 'everyone', 'the', 'whoever']);
/** What says "when it happens" ("if", "when", "once", "as soon as"). */
const CONDITIONS: ReadonlySet<string> = new Set(['if', 'when', 'whenever', 'once', 'soon', 'unless']);

const ANSWER = 'Read as a request to be told when something happens: chat watches nothing, it does what is asked at once. An alert rule pages when a condition holds (the console\'s Alert rules page, #/admin/alert-rules); to see how things stand now, ask e.g. "cpu on web-1" or "what\'s firing on web-1".';

export function watchRequestAnswer(tokens: readonly Token[]): ParseResult | null {
  const end = tokens.findIndex((t, i) => FREE_TEXT_MARKERS.has(t.norm) || (i > 0 && tokens[i - 1]!.colon));
  const said = end === -1 ? tokens : tokens.slice(0, end);
  const told = (i: number) => WHOM.has(said[i + 1]?.norm ?? '') || /^@[\w.-]+$/.test(said[i + 1]?.norm ?? '');
  const pages = said.some((t, i) => TELL_VERBS.has(t.norm) && told(i));
  const asks = said.some((t, i) => (ASKING_TELLS.has(t.norm) && told(i)) || (t.norm === 'let' && said[i + 1]?.norm === 'me' && said[i + 2]?.norm === 'know'));
  // ("should cpu on web-1 exceed 90, page bob": "should" leading the line is "if".)
  const condition = said.some((t, i) => CONDITIONS.has(t.norm) || (i === 0 && t.norm === 'should' && !['i', 'we'].includes(said[1]?.norm ?? '')));
  if (!condition || !(pages || (asks && said.some((t) => HAPPENINGS.test(t.norm))))) return null;
  return { intent: 'unknown', slots: {}, confidence: 0.45, requiredPermission: null, preview: ANSWER, alternatives: [] };
}

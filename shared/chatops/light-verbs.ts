import { RUNBOOK_ACTIONS } from './lexicon.ts';
import { onAList } from './mood.ts';
import type { Token } from './tokens.ts';
import { wordTable } from './word-table.ts';

/**
 * An order said as a light verb and its noun ("give acknowledgement to alert 12", "do an ack on 12", "put a silence on
 * web-1 for 2h", "do a restart of nginx on web-2"): the light verb, its article and the noun are read as the order's verb,
 * one token over their words, so the line reads as "ack to alert 12", "restart of nginx on web-2". Before this, "give"
 * was "show" (it showed alert 12) and a line led by "do" asked (nothing was done).
 */

/** Verbs that say nothing but "carry out" before an order's noun. */
const LIGHT_VERBS: ReadonlySet<string> = new Set(['give', 'do', 'put', 'place', 'apply', 'add', 'set', 'slap', 'throw', 'stick', 'issue', 'get']);
/**
 * Light verbs that carry an order only with "a" or "an" ("can we get a silence on web-1 for 1h" listed web-1's silences;
 * "get the silences on web-1" still lists them).
 */
const WITH_ARTICLE_ONLY: ReadonlySet<string> = new Set(['get']);
/** What may stand between the light verb and its noun ("do *a quick* restart of nginx"). */
const FILLERS: ReadonlySet<string> = new Set(['a', 'an', 'the', 'quick']);
/** The nouns of orders, as the verb they are said for. The runbooks' actions are nouns as they are ("a restart", "a rollback"). */
const ORDER_NOUNS: Readonly<Record<string, string>> = wordTable({
  ack: 'ack', acknowledgement: 'ack', acknowledgment: 'ack', acknowledgements: 'ack', acknowledgments: 'ack',
  silence: 'silence', mute: 'mute', snooze: 'snooze',
});
/**
 * What must follow the noun: what it is given to or done on ("to" only after "give": "add a restart to the plan" writes it
 * down). Without one the words may be anything but an order ("give the restart a try", "add a silence rule").
 */
const OBJECT_LEADS: ReadonlySet<string> = new Set(['on', 'to', 'for', 'of', 'onto']);

function orderNoun(norm: string): string | undefined {
  return ORDER_NOUNS[norm] ?? (RUNBOOK_ACTIONS[norm] !== undefined ? norm : undefined);
}

/** The tokens with each light verb, its fillers and its noun merged into one token whose word is the order's verb. */
export function lightVerbsRead(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const light = tokens[i]!;
    let k = i + 1;
    while (LIGHT_VERBS.has(light.norm) && k < tokens.length && FILLERS.has(tokens[k]!.norm)) k++;
    const noun = tokens[k];
    const article = tokens.slice(i + 1, k).some((t) => t.norm === 'a' || t.norm === 'an');
    const verb = LIGHT_VERBS.has(light.norm) && noun && (article || !WITH_ARTICLE_ONLY.has(light.norm)) ? orderNoun(noun.norm) : undefined;
    // ("add a restart to the plan", "put the restart of nginx on the agenda": written down, which the mood reads from the
    // light verb; merged, it was the order.)
    const toGive = tokens[k + 1]?.norm !== 'to' || light.norm === 'give';
    if (verb === undefined || noun!.colon || !OBJECT_LEADS.has(tokens[k + 1]?.norm ?? '') || !toGive || onAList(tokens, k)) {
      out.push(light);
      continue;
    }
    // (Its raw word is the noun, as answers quote the verb: "Say what to restart", not "to give restart".)
    out.push({ raw: noun!.raw, norm: verb, start: light.start, end: noun!.end, colon: false });
    i = k;
  }
  return out;
}

/**
 * "can I get a restart of nginx on web-1", "could we have a silence on db-2 for 1h": a request for the thing, said as the
 * asker getting it, is the request "can you get a …" (read by the light verbs above). "can I …" asked leave, and nothing
 * was done; "can I ack 12" still asks leave.
 */
const ASKED_FOR = /^((?:(?:please|pls|plz|hey|ok|so)[,\s]+)*(?:can|could|may)\s+)(?:i|we)\s+(?:get|have)\s+(an?\s)/i;

export function askedForSaid(text: string): string {
  return text.replace(ASKED_FOR, '$1you get $2');
}

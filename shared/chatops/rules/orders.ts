import { verbOf } from '../lexicon.ts';
import { idOf, type Token } from '../tokens.ts';
import { isAlertNoun, isIncidentNoun } from './kit.ts';

// Whether a line orders a change, and the words that say which: the rules that would read it otherwise (a chart, a list) give way.

/** The orders that take an acknowledgement back ("unack 12", "un-acknowledge alert 12"). */
export const UNACK_VERBS = new Set(['unack', 'unacknowledge', 'un-ack', 'un-acknowledge', 'unackd', 'unclaim']);

/** The imperative forms: "acked alerts" or "acknowledged" before a list is a question. */
export const IMPERATIVE_ACK = new Set(['ack', 'acknowledge', 'claim']);

/** Edits of an incident chat does not make: what is asked, or null ("rename incident 7 …", "merge 8 into 7", "set incident 7 severity …"). */
export function incidentEditAsked(tokens: readonly Token[]): 'title' | 'merge' | 'split' | 'escalate' | 'severity' | null {
  const lead = tokens[0]?.norm === 'please' || tokens[0]?.norm === 'pls' ? tokens[1]?.norm : tokens[0]?.norm;
  if (!tokens.some((t) => isIncidentNoun(t.norm) || idOf(t) !== null || /^(?:inc|incident)-?\d+$/.test(t.norm))) return null;
  if (lead === 'rename' || lead === 'retitle') return 'title';
  if (lead === 'merge' || lead === 'split' || lead === 'escalate') return lead;
  if (['set', 'change', 'update', 'raise', 'lower', 'bump', 'downgrade', 'upgrade'].includes(lead ?? '')) {
    if (tokens.some((t) => ['severity', 'sev', 'priority'].includes(t.norm))) return 'severity';
    if (tokens.some((t) => t.norm === 'title' || t.norm === 'name')) return 'title';
  }
  return null;
}

/**
 * Words that stop, undo or avoid what follows ("stop the restart on web-1", "undo the silence on
 * web-1", "revert the ack on 12", "avoid restarting web-1"): said before an order's verb, the line
 * asks for the opposite of that order, never for it.
 */
// ("forget the restart on web-1", "hold the restart", "pause the restart": planned a restart of web-1.)
export const REVERSING = new Set(['undo', 'revert', 'reverse', 'abort', 'halt', 'stop', 'cancel', 'avoid', 'skip', 'prevent', 'postpone', 'delay', 'without', 'remove', 'retract', 'withdraw', 'rescind', 'drop', 'delete',
  'forget', 'hold', 'pause', 'scrap', 'scratch', 'shelve', 'defer', 'suspend', 'freeze', 'block', 'veto', 'nix', 'kill']);

/** Is an order's verb at `at` stopped, undone or avoided by a word before it? ("stop, don't ack 12": a "stop," alone is an interjection.) */
export function reversedBefore(tokens: readonly Token[], at: number): boolean {
  // ("hold on, ack 12", "hold up": a wait, which the mood reads; not the run held.)
  return tokens.slice(0, at).some((t, i) => REVERSING.has(t.norm) && !t.raw.endsWith(',') && !(t.norm === 'hold' && ['on', 'up', 'off'].includes(tokens[i + 1]?.norm ?? '')));
}

/** "undo the ack", "revert the silence": the words that take a change back. */
export const UNDO_WORDS = new Set(['undo', 'revert', 'reverse', 'remove', 'retract', 'withdraw', 'rescind', 'drop', 'delete']);

/** Words about runbook runs and their approvals, which are decided on the Approvals page. */
export const APPROVAL_VERBS = new Set(['approve', 'deny', 'reject', 'decline', 'abort']);

/** Participles that describe an alert as silenced ("silenced alerts", "alerts that are muted"), and their opposites. */
const SILENCED_WORDS = new Set(['silenced', 'muted', 'snoozed', 'suppressed', 'hushed']);
const UNSILENCED_WORDS = new Set(['unsilenced', 'unmuted', 'unsnoozed', 'unsuppressed']);
const NEGATORS = new Set(['not', 'never', "isn't", 'isnt', "aren't", 'arent', "wasn't", "weren't"]);

/**
 * Does the line ask for alerts by whether they are silenced ("silenced alerts", "muted alerts
 * on db-1", "alerts not silenced", "unmuted critical alerts")? Returns the state asked for and
 * the tokens that say it, or null. A length said with it is a window ("silenced alerts for the
 * last hour"): an order to silence is said with the verb ("mute alerts on db-1 for 1h").
 */
export function silencedFilterOf(tokens: readonly Token[]): { silenced: boolean; at: number; negator: number | null } | null {
  if (!tokens.some((t) => isAlertNoun(t.norm))) return null;
  const at = tokens.findIndex((t) => SILENCED_WORDS.has(t.norm) || UNSILENCED_WORDS.has(t.norm));
  if (at === -1) return null;
  const negator = NEGATORS.has(tokens[at - 1]?.norm ?? '') ? at - 1 : null;
  return { silenced: SILENCED_WORDS.has(tokens[at]!.norm) === (negator === null), at, negator };
}

/** Manners and a polite question's words that may come before an order's verb ("please", "can you", "could u pls"). */
const POLITE_LEADS = new Set(['please', 'pls', 'plz', 'kindly', 'can', 'could', 'would', 'you', 'u', 'ya']);

/** Where an order's words start after the manners it opens with ("can you please mark 7 …": 3), 0 when there are none. */
export function politeLeadEnd(tokens: readonly Token[]): number {
  let lead = 0;
  while (lead < 4 && POLITE_LEADS.has(tokens[lead]?.norm ?? '')) lead++;
  return lead;
}

/**
 * A line led by an order that changes alerts or incidents ("ack …", "silence …", "resolve …", "assign …"):
 * its own rule answers it (or asks about it); read as a list or a chart it would do nothing asked.
 */
export function ledByStateOrder(tokens: readonly Token[]): boolean {
  // ("please acknowledge alert twelve", "can you ack alert twelve": manners before the order's verb lead it as well; read past
  // them, the line was listed as the alerts it names.)
  const first = tokens[politeLeadEnd(tokens)]?.norm ?? '';
  const clearsCommander = ['remove', 'clear'].includes(first) && tokens.some((t) => ['commander', 'ic', 'owner'].includes(t.norm));
  return ['resolve', 'close', 'reopen', 'mitigate', 'assign', 'reassign', 'unassign'].includes(first) || clearsCommander || UNACK_VERBS.has(first) || incidentEditAsked(tokens) !== null || verbOf(first, 'silence') > 0 || verbOf(first, 'unsilence') > 0 || IMPERATIVE_ACK.has(first);
}

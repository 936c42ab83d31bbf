import { FILLER } from '../lexicon.ts';
import type { Token } from '../tokens.ts';
import { isAlertNoun, isManners, type Line } from './kit.ts';

// The words around a silence's length that say when or why, not which alerts (silence-create.ts): read as names, they made
// a silence of alerts named "lunch", "deploy" or "patching" that silenced nothing of what was meant.

/** "as we patch", "as the db migrates": a reason said with "as". */
export const REASON_SUBJECTS = new Set(['we', 'i', 'they', 'he', 'she', 'the', 'our', 'ops', 'dba', "we're", "i'm", "they're", "it's", 'its', 'it', 'this', "that's"]);
/** Words before a period's ("during the next hour", "during this weekend"); "during the migration" is a reason. */
export const PERIOD_DETERMINERS = new Set(['the', 'this', 'that', 'next', 'coming', 'our', 'a', 'an']);

/** Words of when that name no alert: parts of the day, meals, days, a window ("silence web-1 over lunch", "… tomorrow", "for the maintenance window"). */
// ("for my shift", "for the rest of the shift", "until handover": an on-call's own spans, whose end chat does not know.)
const WHEN_WORDS = new Set(['lunch', 'lunchtime', 'breakfast', 'brunch', 'dinner', 'supper', 'morning', 'afternoon', 'evening', 'night', 'tonight', 'today', 'tomorrow', 'tmrw', 'tmr', 'weekend', 'eod', 'eow', 'window', 'day', 'week', 'month',
  'shift', 'handover', 'handoff', 'standup', 'stand-up', 'rotation', 'oncall']);
/** Events whose length chat cannot know ("for the deploy", "for the migration"): a length is asked for (said with one, they are why). */
const EVENTS = new Set(['deploy', 'deployment', 'release', 'rollout', 'migration', 'maintenance', 'upgrade', 'patch', 'patching', 'reboot', 'restart', 'outage', 'failover', 'cutover', 'demo']);
/** Words that say a span of time ("through the deploy", "till after the standup"); what follows them is when, not what. */
const SPAN_LEADS = new Set(['through', 'thru', 'throughout', 'over', 'until', 'till', 'til', 'untill', 'after', 'before']);
/** A length in a form the durations do not read ("~2h", "2h-ish", "2hrs+"). */
const ODD_LENGTH = /\d+(?:\.\d+)?\s?(?:s|m|h|d|w|mins?|hrs?|hours?|days?|weeks?)\b/;

/**
 * The words of a when or a length left unread at `at` among a silence's alert-name words (before `end`), as typed, or null.
 * A word of when alone is one only where it ends the names and no length was read: "silence weekend backup alerts for
 * 2h" names alerts.
 */
export function unreadWhen(tokens: readonly Token[], at: number, end: number, taken: ReadonlySet<number>, lengthRead: boolean): string | null {
  const word = tokens[at]!.norm;
  // ("for an hour-ish", "for 1h-2h": said roughly, or a range; they became alerts' names.)
  const lengthLike = (ODD_LENGTH.test(word) && /[~+]|ish$/.test(word)) || /^(?:hours?|hrs?|mins?|minutes?|days?)-?ish$/.test(word) || /^\d+(?:\.\d+)?[a-z]+-\d+(?:\.\d+)?[a-z]+$/.test(word);
  // ("mute db-2 for the deploy": as long as an event takes, which chat cannot know.)
  const forEvent = EVENTS.has(word) && (tokens[at - 1]?.norm === 'for' || (PERIOD_DETERMINERS.has(tokens[at - 1]?.norm ?? '') && tokens[at - 2]?.norm === 'for'));
  if (forEvent) return tokens.slice(at - 2, at + 1).map((t) => t.raw).join(' ').replace(/^(?!for\b)\S+\s/i, '');
  const lastName = tokens.slice(at + 1, end).every((t, k) => taken.has(at + 1 + k) || FILLER.has(t.norm) || isManners(t.norm) || isAlertNoun(t.norm));
  if (!(WHEN_WORDS.has(word) && !lengthRead && lastName) && !SPAN_LEADS.has(word) && !lengthLike) return null;
  return tokens.slice(at, at + 3).map((t) => t.raw).join(' ').replace(/[,;.!?]+$/, '');
}

/** Words that give a reason right after a silence's length ("for 1h so we can patch", "for 1h we're patching"). */
// ("for 2h b/c maintenance", "for 1h cuz patching": why in chat's shorthand; they were asked about as alerts' names.)
const REASON_LEADS = new Set(['so', 'to', 'for', 'because', 'b/c', 'bc', 'cuz', 'coz', 'cos', 'bcoz', 'due', ...REASON_SUBJECTS]);

/** Does a reason start at `at`, right after the length: a quote, or a word that leads one (not "for web-1", "to db-2")? */
export function reasonAfterLength(line: Line, at: number): boolean {
  const token = line.tokens[at];
  if (!token) return false;
  if (/^["“']/.test(token.raw)) return true;
  const next = line.tokens[at + 1];
  return REASON_LEADS.has(token.norm) && next !== undefined && line.index.target(next.norm, false).length === 0 && !isAlertNoun(next.norm) && !/^\d/.test(next.norm);
}

/** Verbs that stop alerts for a while when said of them ("pause alerts on web-1 for 1h", "turn off paging for db-2"). */
const PAUSES = new Set(['pause', 'disable', 'stop', 'halt', 'suspend']);
const OFF_VERBS = new Set(['turn', 'switch', 'shut']);
/** What is paused: the alerts and their notifications. */
const ALERTING = new Set(['alerts', 'alert', 'alerting', 'alarms', 'paging', 'pages', 'notifications', 'notifs', 'notification']);

/**
 * "pause alerts on web-1 for 1h", "disable alerts for web-1 for 1h", "stop paging for db-2 for an hour", "turn off alerts
 * on web-1": a silence asked for in other words (they listed web-1's alerts). Where its noun is, read as the silence's verb.
 */
export function pausedAlertsAt(tokens: readonly Token[]): { at: number; score: number } | null {
  let i = ['please', 'pls', 'plz', 'can', 'could'].includes(tokens[0]?.norm ?? '') ? 1 : 0;
  if (PAUSES.has(tokens[i]?.norm ?? '')) i++;
  else if (OFF_VERBS.has(tokens[i]?.norm ?? '') && tokens[i + 1]?.norm === 'off') i += 2;
  else return null;
  while (['the', 'all', 'my'].includes(tokens[i]?.norm ?? '')) i++;
  return ALERTING.has(tokens[i]?.norm ?? '') ? { at: i, score: 1 } : null;
}

import type { Command } from './intents.ts';
import type { InventoryIndex } from './inventory.ts';
import { actionOf, ALL_WORDS, FREE_TEXT_MARKERS, is, verbOf } from './lexicon.ts';
import { moodOf } from './mood.ts';
import { idOf, type Token } from './tokens.ts';
import { globMatcher } from './glob-match.ts';

/**
 * Checks of a reading against the whole line, after a rule has read it: what a rule leaves
 * out must not be dropped silently. A rule reads one command about one target; a line that
 * names more ("restart nginx on web-1 and web-2", "ack 12 and restart nginx on web-1")
 * would otherwise do part of what was asked, and the confirmation card would look right.
 */

/** The inventory targets the line names exactly (`web-1`, `web1`, "web 1"), in order, each once. */
export function namedTargets(tokens: readonly Token[], index: InventoryIndex): string[] {
  const names: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const exact = index.target(tokens[i]!.norm, false);
    const next = tokens[i + 1];
    const joined = exact.length === 0 && next ? index.target(tokens[i]!.norm + next.norm, false) : [];
    const hit = exact[0] ?? (joined.length === 1 ? joined[0] : undefined);
    if (!hit) continue;
    if (!names.includes(hit.item.name)) names.push(hit.item.name);
    if (exact.length === 0) i++;
  }
  return names;
}

/** A host's shape: letters, then a number ("web-9", "cache-2", "db7"). */
const HOST_SHAPED = /^([a-z]+)[-_.]?\d+$/;
/** A host's shape with letters that look like digits in its number ("web-l", "db-O", "worker-1O"). */
const DIGIT_LOOKALIKE = /^([a-z]+)[-_.](?=[0-9lio]*[lio])[0-9lio]{1,3}$/;

/**
 * A word before any free text shaped as a host of a known family that is no target ("flush cache on cache-1 and cache-2"
 * with cache-1 alone known), or null: an order read without it would act on part of what was asked.
 */
export function unknownHostLike(tokens: readonly Token[], index: InventoryIndex): string | null {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (FREE_TEXT_MARKERS.has(token.norm) || tokens[i - 1]?.colon || /^[([]/.test(token.raw)) return null;
    // ("restart nginx@web-9": a service at its host, as ssh and systemd write them, names the host after its "@"; with no
    // web-9 known the run was planned for a service "nginx@web-9" on no host.)
    const host = token.norm.slice(token.norm.lastIndexOf('@') + 1);
    // ("restart nginx on web-l", "cpu on db-O": a letter typed for the digit it looks like; the run was planned on no host.)
    const shaped = HOST_SHAPED.exec(host) ?? DIGIT_LOOKALIKE.exec(host);
    if (!shaped || index.target(host, false).length > 0) continue;
    const family = shaped[1]!;
    if (index.inventory.targets.some((t) => t.name.toLowerCase().startsWith(family) && /^[-_.]?\d/.test(t.name.slice(family.length)))) return host;
  }
  return null;
}

/** A pattern of target names ("web-*", "db*", "*"): letters, digits, dots and dashes with a star. */
const TARGET_PATTERN = /^[a-z0-9._-]*\*[a-z0-9._*-]*$/;

/**
 * A pattern of targets said before any free text ("restart nginx on web-*", "cpu on db-*") and the targets it matches, or
 * null: only a silence reads one ("silence db-* for 1h"); any other reading dropped it and acted on no host, or on every one.
 */
export function targetPattern(tokens: readonly Token[], index: InventoryIndex): { pattern: string; matches: string[]; brace: boolean } | null {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (FREE_TEXT_MARKERS.has(token.norm) || tokens[i - 1]?.colon || /^[([]/.test(token.raw)) return null;
    // ("restart nginx on web-{1,2}", "cpu on web-[1-2]": a shell's brace or a glob's class; read as web-1, the rest dropped.)
    const brace = /^([a-z][a-z0-9._-]*)[{[]/.exec(token.raw.toLowerCase());
    if (!TARGET_PATTERN.test(token.norm) && !brace) continue;
    const glob = brace ? `${brace[1]}*` : token.norm;
    const matches = globMatcher(glob.split(/\*+/).map((part) => part.replace(/[.-]/g, '\\$&')).join('.*'));
    const closedAfter = brace && !/[}\]]/.test(token.raw) && tokens[i + 1] !== undefined && /[}\]]/.test(tokens[i + 1]!.raw);
    const said = !brace ? token.norm : closedAfter ? token.raw + tokens[i + 1]!.raw : token.raw;
    return { pattern: said, matches: index.inventory.targets.filter((t) => matches(t.name)).map((t) => t.name), brace: brace !== null };
  }
  return null;
}

/** Does the command act on (or mention in its free text) the target `name`? */
function uses(command: Command, name: string): boolean {
  switch (command.intent) {
    case 'silence.create':
      return command.slots.matchers.some((m) => (m.op === '=' && m.value === name) || (m.op === '=~' && m.name !== 'alertname' && m.value.split('|').map(unescapeRegex).includes(name))) || (command.slots.comment ?? '').includes(name);
    case 'runbook.run':
      return Object.values(command.slots.params).includes(name);
    case 'alert.ack':
      return command.slots.target === name || (command.slots.comment ?? '').includes(name);
    case 'metrics.show':
    case 'alerts.list':
    case 'incidents.list':
    case 'anomaly.explain':
    case 'silences.list':
      return command.slots.target === name;
    default:
      return true;
  }
}

function unescapeRegex(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** Intents read about one target: a second one named on the line would be left out. */
const TARGETED = new Set<Command['intent']>(['silence.create', 'runbook.run', 'metrics.show', 'alerts.list', 'incidents.list', 'anomaly.explain', 'silences.list']);

/**
 * The targets a command would leave out of those the line names. An acknowledgement by id
 * ("ack 12 web-1 is fine") is about the alert: only its target form is checked; a silence of
 * one alert by id likewise.
 */
export function leftOutTargets(command: Command, named: readonly string[]): string[] {
  const targeted = TARGETED.has(command.intent) || (command.intent === 'alert.ack' && command.slots.target !== undefined);
  if (!targeted || (command.intent === 'silence.create' && command.slots.alertId !== undefined)) return [];
  return named.filter((name) => !uses(command, name));
}

/** Joins of two clauses ("and", "then", "and then", "&", "+", "/", ";", ",", "."; "as well as" is read where it is met). */
const JOINERS = new Set(['and', 'then', '&', '+', 'also', 'plus', '/']);

/** The verbs of taking command of an incident ("take 8", "grab incident 8"). */
const TAKING = new Set(['take', 'grab']);

// ("resolve 7 and assign 8 to bob", "ack 12 and unack 13": resolved 7 with the comment "and assign 8 to bob".)
const ORDER_VERBS = new Set(['ack', 'acknowledge', 'silence', 'mute', 'snooze', 'unsilence', 'unmute', 'resolve', 'reopen', 'mitigate', 'close', 'expire', 'note', 'show', 'list',
  'assign', 'reassign', 'unack', 'unacknowledge', 'unsnooze']);

/** Is the token an order's verb, in the form an order uses ("restart", not "restarted" or "restarting")? */
export function isOrderVerb(norm: string | undefined): boolean {
  if (norm === undefined || norm.endsWith('ed') || norm.endsWith('ing')) return false;
  return actionOf(norm)?.score === 1 || ORDER_VERBS.has(norm) || verbOf(norm, 'run') === 1;
}

/**
 * Where a second command starts on the line, if it has one: a joiner ("and", "then", ";")
 * followed by an order's verb, before any free text ("ack 12 because disk full and clear
 * pending" is one command with its comment; a note's text after its colon is free too).
 * Returns where the first command ends (`at`: the joiner, or the token after a ";") and
 * where the second starts (`next`: its verb).
 */
export function secondCommandAt(tokens: readonly Token[]): { at: number; next: number } | null {
  for (let i = 1; i < tokens.length - 1; i++) {
    const token = tokens[i]!;
    if (FREE_TEXT_MARKERS.has(token.norm) || tokens[i - 1]!.colon) return null;
    // ("ack 12, silence web-1 for 1h", "ack 12. restart nginx on web-1": a comma or a full stop before an order's verb parts two commands as a ";" does.)
    const semicolon = /[;,.]$/.test(tokens[i - 1]!.raw);
    // ("ack 12 as well as silence web-1": it acknowledged 12 with the comment "as silence web-1".)
    const asWellAs = token.norm === 'as' && tokens[i + 1]?.norm === 'well' && tokens[i + 2]?.norm === 'as';
    if (!JOINERS.has(token.norm) && !semicolon && !asWellAs) continue;
    const at = asWellAs ? i + 3 : JOINERS.has(token.norm) ? i + 1 : i;
    // ("ack 12 and then resolve 7", "resolve 7 and also take 8": the joiner's second word is the joiner's; the first command
    // was "resolve 7 and".)
    let verbAt = at;
    while (['then', 'also'].includes(tokens[verbAt]?.norm ?? '')) verbAt++;
    // ("mitigate 7, failover done": what follows reports, it orders nothing.)
    if (isOrderVerb(tokens[verbAt]?.norm) && moodOf(tokens.slice(verbAt)) === 'order') return { at: i, next: verbAt };
    // ("resolve 7 and also take 8", "ack 12 and grab incident 7": taking command of an incident named is an order too; it
    // resolved 7 with the comment "and also take 8".)
    if (TAKING.has(tokens[verbAt]?.norm ?? '') && (idOf(tokens[verbAt + 1]) !== null || is(tokens[verbAt + 1]?.norm ?? '', 'incident'))) return { at: i, next: verbAt };
    // ("restart nginx on web-1 and check cpu": a question asked after "and"/"then" is a command too; read as one, the
    // restart was planned and the chart dropped.)
    // ("ack 12 and tell me what's firing on db-2": asked to be told, as to be shown; it was the ack's comment.)
    const tellMe = ['tell', 'give'].includes(tokens[verbAt]?.norm ?? '') && tokens[verbAt + 1]?.norm === 'me';
    if (JOINERS.has(token.norm) && (ASKING_VERBS.has(tokens[verbAt]?.norm ?? '') || tellMe) && tokens[verbAt + 1] !== undefined) return { at: i, next: verbAt };
  }
  return null;
}

/** Verbs that ask to be shown something ("… and check cpu", "… then show me the alerts"). */
const ASKING_VERBS = new Set(['check', 'show', 'graph', 'chart', 'plot', 'list', 'display', 'get']);

/** Words that leave something out: "everything except db-1", "all but 12", "excluding warnings". */
const EXCLUDING = new Set(['except', 'excluding', 'exclude', 'besides', 'barring', 'minus', 'sans']);
/** What "but" excludes from when it follows one of these ("all but 12", "alerts but db-1's"). */
const EVERYTHING = new Set([...ALL_WORDS, 'anything', 'alerts', 'them']);

/**
 * Where the line excludes something ("silence everything except db-1", "ack all but 12",
 * "alerts not on db-1", "non-critical alerts"), before any free text: the parser reads what
 * a line names, so an exclusion would be read as its opposite. Returns the words that
 * exclude, as typed, or null.
 */
export function exclusionOf(tokens: readonly Token[]): string | null {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (FREE_TEXT_MARKERS.has(token.norm) || tokens[i - 1]?.colon) return null;
    const next = tokens[i + 1];
    const excludes =
      EXCLUDING.has(token.norm) ||
      (token.norm === 'but' && EVERYTHING.has(tokens[i - 1]?.norm ?? '')) ||
      // ("ack all on web-1 but 12", "silence everything on db-1 but db-2": all of them but one; it acknowledged 12.)
      (token.norm === 'but' && tokens.slice(0, i).some((t) => EVERYTHING.has(t.norm)) && /^(?:#?\d{1,9}|[a-z]+[-_.]?\d+)$/.test(next?.norm ?? '')) ||
      (token.norm === 'other' && next?.norm === 'than') ||
      (token.norm === 'apart' && next?.norm === 'from') ||
      (token.norm === 'not' && ['on', 'for', 'in', 'from', 'at', 'matching', 'named'].includes(next?.norm ?? '')) ||
      /^non-?[a-z]/.test(token.norm);
    if (excludes) return tokens.slice(i, i + 2).map((t) => t.raw).join(' ');
  }
  return null;
}

/** Words that put an order off ("ack 12 later", "resolve 7 tomorrow"). */
const LATER = new Set(['later', 'tomorrow', 'tmrw', 'tmr', 'tonight', 'eod', 'eow', 'afterwards', 'eventually', 'when', 'soon', 'shortly', 'soonish', 'presently']);
const WEEKDAYS = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
/** "in 5 minutes", "in a bit", "in an hour": the words after "in" that make it a time ahead. */
const IN_A_WHILE = /^(?:\d+[a-z]*|a|an|few|one|two|three|five|ten|fifteen|twenty|thirty|half)$/;
/** "once more", "once again": how often, not when. */
const ONCE_AS_OFTEN = new Set(['more', 'again']);
const AT_A_TIME = /^(?:\d{1,2}(?::\d{2})?(?:am|pm|a\.m|p\.m)?|noon|midnight)$/;

/**
 * Where a line puts its order off to a time ahead, before any free text ("ack 12 later", "ack 12
 * in 5 minutes", "resolve 7 tomorrow", "assign 7 to bob after the standup", "ack 12 at 3pm"), or
 * until something is done ("resolve 7 once confirmed", "mitigate 7 after failover"):
 * the words that say when, as typed, or null. Chat does what is asked at once.
 */
export function deferralOf(tokens: readonly Token[]): string | null {
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (FREE_TEXT_MARKERS.has(token.norm) || tokens[i - 1]!.colon || /^[([]/.test(token.raw)) return null;
    const next = tokens[i + 1]?.norm ?? '';
    const defers = LATER.has(token.norm)
      // ("ack 12 in 5": a bare number at the end is minutes ahead.)
      || (token.norm === 'in' && IN_A_WHILE.test(next) && (/^\d+[a-z]*$/.test(next) || tokens[i + 2] !== undefined))
      || ((token.norm === 'at' || token.norm === 'around') && AT_A_TIME.test(next))
      || ((token.norm === 'after' || token.norm === 'next' || token.norm === 'on') && (WEEKDAYS.has(next) || next === 'the' || next === 'lunch' || next === 'standup' || next === 'week'))
      // ("resolve 7 once confirmed", "resolve 7 after verification", "mitigate 7 after failover", "unsilence 4 once done": put
      // off until something is done or has happened, whatever it is; they were done now, the words kept as the comment.
      // "once more", "once again" say how often; a comment that starts elsewhere keeps its "after": "ack 12 errors after deploy".)
      || (token.norm === 'once' && next !== '' && !ONCE_AS_OFTEN.has(next))
      || (token.norm === 'after' && next !== '')
      || WEEKDAYS.has(token.norm) && tokens[i - 1]?.norm !== 'since'
      // ("ack 12 first thing tomorrow", "resolve 7 by 5pm", "ack 12 by eod")
      || (token.norm === 'first' && next === 'thing')
      || (token.norm === 'by' && (AT_A_TIME.test(next) || LATER.has(next) || WEEKDAYS.has(next)));
    if (defers) return tokens.slice(i, i + 3).map((t) => t.raw).join(' ');
  }
  return null;
}

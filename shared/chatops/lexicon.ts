import { FuzzyIndex } from './fuzzy.ts';
import type { Severity } from './intents.ts';
import { wordTable } from './word-table.ts';

/**
 * The words the parser understands and what each stands for. Synonyms live here and only
 * here ("bounce" = restart, "mute" = silence), so the grammar in docs/chatops.md and the
 * parser cannot disagree.
 */
export type Word =
  | 'ack' | 'silence' | 'unsilence' | 'expire' | 'note' | 'show' | 'explain' | 'help' | 'run'
  | 'alert' | 'incident' | 'runbook' | 'status' | 'list' | 'firing' | 'anomalous';

const WORDS: Record<Word, readonly string[]> = {
  ack: ['ack', 'acknowledge', 'acknowledged', 'acked', 'ackd', "ack'd", 'acking', 'acknowledging', 'claim'],
  silence: ['silence', 'mute', 'snooze', 'quiet', 'hush', 'shush', 'shh', 'shhh', 'suppress', 'squelch', 'silenced'],
  unsilence: ['unsilence', 'unmute', 'unsnooze', 'unsuppress', 'desilence', 'unquiet'],
  expire: ['expire', 'end', 'remove', 'delete', 'lift', 'cancel', 'stop', 'kill', 'drop', 'close'],
  note: ['note', 'annotate', 'comment', 'log', 'jot', 'record', 'append'],
  show: ['show', 'display', 'graph', 'chart', 'plot', 'get', 'give', 'view', 'see', 'draw', 'visualize', 'visualise', 'fetch', 'pull'],
  explain: ['why', 'explain', 'whys', 'diagnose', 'caused', 'analyse', 'analyze'],
  help: ['help', 'commands', 'usage', '?', 'halp', 'manual', 'howto'],
  run: ['run', 'execute', 'exec', 'trigger', 'launch', 'invoke', 'perform', 'kick off'],
  alert: ['alert', 'alerts', 'alarm', 'alarms', 'page', 'pages', 'alerting', 'problems', 'issues'],
  incident: ['incident', 'incidents', 'inc', 'incs', 'outage', 'outages', 'incdent'],
  runbook: ['runbook', 'runbooks', 'playbook', 'playbooks', 'automation'],
  status: ['status', 'state', 'details', 'detail', 'info', 'summary', 'about', 'update'],
  list: ['list', 'ls', 'which', 'any', 'open', 'current', 'active', 'all'],
  firing: ['firing', 'burning', 'broken', 'failing', 'down', 'red', 'ringing', 'going', 'paging'],
  anomalous: ['anomalous', 'anomaly', 'anomalies', 'weird', 'strange', 'odd', 'abnormal', 'unusual', 'wrong', 'off', 'spiking', 'spike', 'spikes', 'spiked', 'acting'],
};

/** Runbook actions: the verb people use, mapped to the word a runbook names itself by. */
export const RUNBOOK_ACTIONS: Readonly<Record<string, string>> = wordTable({
  restart: 'restart', bounce: 'restart', reboot: 'restart', recycle: 'restart', cycle: 'restart', kick: 'restart', reload: 'restart',
  rollback: 'rollback', revert: 'rollback', undeploy: 'rollback',
  failover: 'failover', promote: 'failover', switchover: 'failover',
  flush: 'flush', purge: 'flush', invalidate: 'flush',
  clear: 'clear', clean: 'clear', cleanup: 'clear', prune: 'clear', free: 'clear',
  scale: 'scale', resize: 'scale',
  drain: 'drain', cordon: 'drain',
  rotate: 'rotate',
});

export const SEVERITY_WORDS: Readonly<Record<string, Severity>> = wordTable({
  critical: 'critical', criticals: 'critical', crit: 'critical', crits: 'critical', sev1: 'critical', sev1s: 'critical', p1: 'critical', p1s: 'critical', severe: 'critical', urgent: 'critical', major: 'critical',
  warning: 'warning', warnings: 'warning', warn: 'warning', warns: 'warning', sev2: 'warning', sev2s: 'warning', p2: 'warning', p2s: 'warning', minor: 'warning',
  info: 'info', informational: 'info', sev3: 'info', p3: 'info',
});

/**
 * The severities a line names, each once in the order said ("critical and warning alerts"),
 * as the one slot or the list slot of a list command.
 */
export function severitySlots(named: readonly Severity[]): { severity?: Severity; severities?: Severity[] } {
  const unique = [...new Set(named)];
  if (unique.length === 0) return {};
  return unique.length === 1 ? { severity: unique[0]! } : { severities: unique };
}

export const STATE_WORDS: Readonly<Record<string, 'firing' | 'acknowledged' | 'resolved'>> = wordTable({
  firing: 'firing', unacked: 'firing', unacknowledged: 'firing', unhandled: 'firing', burning: 'firing', ringing: 'firing',
  acknowledged: 'acknowledged', acked: 'acknowledged', ackd: 'acknowledged', handled: 'acknowledged',
  resolved: 'resolved', closed: 'resolved', cleared: 'resolved', recovered: 'resolved', fixed: 'resolved',
});

/**
 * Where free text starts wherever it stands: a comment or a note's text may say anything
 * after one of these, so nothing after it is read as the line's grammar.
 */
/** Verbs that stop a runbook run ("cancel run 12", "stop run #12", "abort the run 12", "kill run 12", "halt run 12"). */
export const RUN_STOP_VERBS: ReadonlySet<string> = new Set(['cancel', 'stop', 'abort', 'kill', 'halt', 'terminate']);

export const FREE_TEXT_MARKERS: ReadonlySet<string> = new Set(['because', 'cause', 'reason', 'comment', 'saying', '-', '--', '—']);

/** "all", "every", "everything", "each": the whole of something rather than one named thing. */
export const ALL_WORDS: ReadonlySet<string> = new Set(['all', 'every', 'everything', 'each']);

/** Words that carry no meaning of their own in a command. */
/**
 * Manners in the languages on-call chat mixes in ("ack 12 merci", "bitte ack 12", "por favor"):
 * no alert's name, parameter or comment of their own, as "please" and "thanks" are not.
 */
export const OTHER_MANNERS: ReadonlySet<string> = new Set([
  'merci', 'danke', 'dankeschön', 'bitte', 'gracias', 'grazie', 'obrigado', 'obrigada', 'svp', 'stp', 'porfa', 'porfavor', 'por', 'favor', 'favore',
  'arigato', 'arigatou', 'onegai', 'spasibo', 'dziękuję', 'dzięki', 'bedankt', 'alsjeblieft', 'tack', 'takk', 'kiitos', 'prego', 'gràcies', 'mersi',
  // (thanks said in two words, "merci beaucoup", "vielen dank", "muchas gracias", "grazie mille", "danke sehr": the second
  // word was the comment)
  'beaucoup', 'vielen', 'dank', 'muchas', 'mille', 'sehr',
  // ("acquitte l'alerte 12 s'il te plaît", "… s'il vous plait": French's "please" in full; it was the ack's comment)
  "s'il", 'sil', 'te', 'vous', 'plaît', 'plait',
]);

/**
 * Thanks as on-call chat types them ("cheers", "ta", "tia", "cheers mate", "much appreciated", "thanks in advance"): like "please",
 * no alert's name, parameter or comment ("silence web-1 for 1h cheers" made a silence of alerts named "cheers").
 */
export const THANKS: ReadonlySet<string> = new Set(['thanks', 'thx', 'thank', 'ty', 'tyvm', 'tia', 'tx', 'thnx', 'thanx', 'cheers', 'ta', 'mate', 'much', 'appreciated', 'appreciate', 'advance',
  // ("pls ack alert 12 kthx": it was the ack's comment.)
  'kthx', 'kthxbye', 'kthnx', 'tyty', 'thnks', 'thks',
  // ("ack 12 tysm": thank you so much; it was the comment.)
  'tysm', 'thankyou', 'thanku', 'thankss']);

export const FILLER = new Set([
  ...OTHER_MANNERS,
  'a', 'an', 'the', 'me', 'my', 'us', 'please', 'pls', 'plz', 'can', 'could', 'would', 'you', 'u', 'i', 'we', 'is', 'are', 'was', 'be',
  'what', "what's", 'whats', 'how', "how's", 'hows', 'of', 'on', 'for', 'at', 'in', 'from', 'to', 'with', 'by', 'over', 'during', 'about',
  'host', 'hosts', 'server', 'servers', 'node', 'nodes', 'machine', 'box', 'instance', 'target', 'service',
  'usage', 'utilisation', 'utilization', 'use', 'used', 'util', 'level', 'levels', 'stats', 'metric', 'metrics', 'data', 'graphs',
  'now', 'currently', 'right', 'just', 'there', 'it', 'its', 'this', 'that', 'these', 'those', 'up', 'going', 'looking', 'look', 'like',
  'and', 'or', 'so', 'hey', 'hi', 'bot', 'ops', 'thanks', 'thx', 'ok', 'okay', 'quick', 'quickly', 'some', 'do', 'does', 'did', 'has', 'have',
  'let', "let's", 'lets', 'see', 'tell', 'need', 'want', 'percent', '%', 'number', 'numbers', 'rate', 'value', 'values', 'trend',
  // ("yo whats web-2 doing cpu wise rn": a greeting, "right now" as chat types it, and what a host is "doing" say nothing more.)
  'yo', 'rn', 'doing',
]);

const ENTRIES: [string, Word][] = Object.entries(WORDS).flatMap(([word, forms]) => forms.map((form) => [form, word as Word] as [string, Word]));
const EXACT = new Map<string, Word[]>();
for (const [form, word] of ENTRIES) EXACT.set(form, [...(EXACT.get(form) ?? []), word]);
const ACTIONS = new FuzzyIndex<string>(Object.entries(RUNBOOK_ACTIONS));
const FUZZY = new FuzzyIndex<Word>(ENTRIES.filter(([form]) => form.length >= 5));

/** Every form the lexicon knows, of whatever kind: words of the grammar, severities, states, filler, runbook verbs. */
export const KNOWN_FORMS: ReadonlySet<string> = new Set([...EXACT.keys(), ...Object.keys(SEVERITY_WORDS), ...Object.keys(STATE_WORDS), ...FILLER, ...Object.keys(RUNBOOK_ACTIONS)]);

/** What a word read as another (a typo) costs its reading's confidence, wherever the parser tolerates one. */
export const TYPO_FACTOR = 0.95;

/** Is the word (exactly) one of the forms of `word`? */
export function is(norm: string | undefined, word: Word): boolean {
  return norm !== undefined && (EXACT.get(norm)?.includes(word) ?? false);
}

/** Near misses of the lexicon per word; the lexicon never changes, so a word is looked up once. */
const NEAR = new Map<string, ReturnType<typeof FUZZY.lookup>>();
const NEAR_LIMIT = 20_000;

function nearMisses(norm: string): ReturnType<typeof FUZZY.lookup> {
  let hits = NEAR.get(norm);
  if (!hits) {
    if (NEAR.size >= NEAR_LIMIT) NEAR.clear();
    hits = FUZZY.lookup(norm);
    NEAR.set(norm, hits);
  }
  return hits;
}

/**
 * The word a token stands for, tolerating a typo in longer words ("acknowlege",
 * "silnce"); the score says how sure. Only used where a verb is expected.
 */
/**
 * English words one edit from a verb's form, which are those words and no typo ("bob asked me to ack 12" is not
 * "acked"; "acted", "backed", "paused", "quite", "empire"): the near misses of the lexicon that a dictionary names.
 */
const NOT_TYPOS: ReadonlySet<string> = new Set([
  'asked', 'asking', 'acted', 'ached', 'aching', 'hacked', 'hacking', 'backed', 'backing', 'packed', 'packing', 'lacked', 'lacking', 'racked', 'tacked',
  'jacked', 'tasked', 'masked', 'paused', 'causes', 'cancer', 'empire', 'chard', 'quite', 'quilt', 'notated', 'uncomment',
  // ("restore db-1 from backup" planned a restart of db-1, "tracked 12 in jira" and "knowledge base for 12" acknowledged 12,
  // "license alerts on web-1" silenced web-1, "records on 7 missing" wrote a note, "what happens if …" was read as "append".)
  'restore', 'restored', 'restores', 'restoring', 'restate', 'tracked', 'stacked', 'cracked', 'knowledge', 'happen', 'happens', 'happened',
  'happening', 'science', 'licence', 'license', 'licences', 'licenses', 'records', 'archive', 'involve', 'cleaner', 'clearly', 'nuclear', 'unclear',
  'bouncer', 'pounce', 'bicycle',
]);

export function verbOf(norm: string | undefined, word: Word): number {
  if (norm === undefined) return 0;
  if (is(norm, word)) return 1;
  if (norm.length < 5 || NOT_TYPOS.has(norm)) return 0;
  const hit = nearMisses(norm).find((h) => h.item === word);
  return hit ? hit.score * TYPO_FACTOR : 0;
}

const NEAR_ACTIONS = new Map<string, { action: string; score: number } | null>();

/** The canonical runbook action of a verb, typos tolerated in longer words. */
export function actionOf(norm: string | undefined): { action: string; score: number } | null {
  if (norm === undefined) return null;
  const exact = RUNBOOK_ACTIONS[norm];
  if (exact) return { action: exact, score: 1 };
  // "restarted", "flushed", "cycled": a report of what was done ("note: restarted nginx"), not an order.
  if (norm.endsWith('ed') && (RUNBOOK_ACTIONS[norm.slice(0, -2)] || RUNBOOK_ACTIONS[norm.slice(0, -1)])) return null;
  // "restarts on api-1", "pod restarts", "flushes": a count of what happened, or what something does, not an order.
  if (norm.endsWith('s') && (RUNBOOK_ACTIONS[norm.slice(0, -1)] || (norm.endsWith('es') && RUNBOOK_ACTIONS[norm.slice(0, -2)]))) return null;
  if (norm.length < 6 || NOT_TYPOS.has(norm)) return null;
  // Near misses of the runbook verbs per word, looked up once (the mood of a line asks of every word).
  let near = NEAR_ACTIONS.get(norm);
  if (near === undefined) {
    if (NEAR_ACTIONS.size >= NEAR_LIMIT) NEAR_ACTIONS.clear();
    const hit = ACTIONS.lookup(norm)[0];
    near = hit ? { action: hit.item, score: hit.score * TYPO_FACTOR } : null;
    NEAR_ACTIONS.set(norm, near);
  }
  return near;
}

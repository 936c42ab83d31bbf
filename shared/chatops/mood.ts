import { actionOf, FILLER, FREE_TEXT_MARKERS, is, KNOWN_FORMS, RUN_STOP_VERBS, RUNBOOK_ACTIONS, SEVERITY_WORDS, verbOf, type Word } from './lexicon.ts';
import { saidInIrony } from './irony.ts';
import type { Token } from './tokens.ts';

const LEADING_VERBS: readonly Word[] = ['ack', 'silence', 'unsilence', 'expire', 'note', 'run'];

/**
 * Whether a line asks for something to be done. A question ("did anyone restart web-1",
 * "is incident 7 resolved", "who silenced web-1"), a negation ("don't restart web-1") or a
 * report ("db-2 failover done") names the same verbs as an order but must never be read as
 * one: the parser then drops the state-changing readings of the line, so the line is
 * answered as the question it is, or with "did you mean".
 */
export type Mood = 'order' | 'question' | 'negated' | 'report' | 'intention' | 'conditional' | 'quoted' | 'corrected' | 'addressed' | 'listed' | 'about' | 'ironic';

/** Words that open a question (and, first in a line, are not a polite order: see POLITE). */
const QUESTION_OPENERS = new Set([
  // ("am i allowed to ack 12", "isn't 12 acked": asked.)
  'did', 'does', 'do', 'has', 'have', 'had', 'is', 'are', 'am', "isn't", 'isnt', "aren't", 'arent', 'was', 'were', 'who', 'whom', 'whose', 'when', 'why', 'how',
  'should', 'shall', 'will', 'would', 'can', 'could', 'what', "what's", 'whats', 'which', 'where', 'whether', 'anyone', 'anybody', 'status',
  // ("who's acking 12", "how's the restart going": a question word with its verb run in.)
  "who's", 'whos', "how's", 'hows', "where's", 'wheres', "when's", 'whens', "why's",
]);
/**
 * Lines that open offering, asking leave or supposing ("want me to ack 12", "ok to restart nginx on web-1",
 * "safe to fail over?", "suppose we failover the db cluster", "what about restarting nginx"): weighed, not ordered.
 */
const ASKING_LEADS = [
  'want me to', 'you want me to', 'wanna', 'ok to', 'okay to', 'k to', 'safe to', 'fine to', 'alright to', 'good to', 'worth', 'any objections', 'any objection',
  'suppose', 'supposing', 'hypothetically', 'imagine', 'what about', 'how about', 'thoughts on',
  // ("let's say we silence web-1 for 1h", "in theory, ack 12", "thinking out loud: restart nginx on web-1": a supposition; the
  // first was done, and so was "hypothetically, ack 12", read as a clause of context before the order.)
  "let's say", 'lets say', 'let us say', 'say we', 'theoretically', 'in theory', 'in principle', 'purely hypothetically', 'thinking out loud',
  'just thinking out loud', 'thinking aloud', 'for argument', "for argument's sake", 'for the sake of argument', 'as an experiment', 'as a thought experiment',
];
/** Whether the line starts with a supposition ("hypothetically", "let's say", "in theory", "imagine"). */
function supposes(tokens: readonly Token[]): boolean {
  if (!SUPPOSING_FIRST.has((tokens[0]?.norm ?? '').replace(/[,:;.]+$/, ''))) return false;
  const words = tokens.slice(0, 5).map((t) => t.norm.replace(/[,:;.]+$/, ''));
  return SUPPOSING.some((lead) => words.slice(0, lead.length).join(' ') === lead.join(' '));
}

const SUPPOSING = ['suppose', 'supposing', 'hypothetically', 'imagine', "let's say", 'lets say', 'let us say', 'say we', 'theoretically', 'in theory',
  'in principle', 'purely hypothetically', 'thinking out loud', 'just thinking out loud', 'thinking aloud'].map((lead) => lead.split(' '));
const SUPPOSING_FIRST: ReadonlySet<string> = new Set(SUPPOSING.map((lead) => lead[0]!));
/** "i reckon we ack 12", "i think we restart nginx", "imo ack 12": an opinion of what to do, weighed, not ordered. */
const OPINIONS = ['i reckon', 'i think', 'i guess', 'i suppose', 'i feel like', 'i believe', 'imo', 'imho', 'in my opinion', 'methinks', 'personally i'];
/**
 * "someone ack 12 pls", "whoever is on call ack 12", "let bob ack 12": asked of other people in the channel, not of chat
 * ("let me ack 12" is the speaker's own).
 */
const OTHERS = new Set(['someone', 'somebody', 'anyone', 'anybody', 'whoever', 'everyone', 'everybody', 'y\'all']);

/** "we could restart nginx", "I would ack 12": advice, not an order ("could you …", "would you mind …" ask politely, and are). */
const ADVISING = new Set(['could', 'would', "could've", "would've"]);
/** Modals said before "be" and an order's participle ("can be closed", "could be acked", "may be resolved"). */
const MAY_BE = new Set(['can', 'could', 'may', 'might', 'should', 'must']);
/**
 * Words that say the order is someone else's ("bob said ack 12", "alice asked me to ack 12", "the runbook says restart
 * nginx", "ask bob to ack 12"): said before its verb, the line quotes or passes on an order, and gives none to chat.
 */
const QUOTING = new Set([
  'said', 'says', 'wrote', 'writes', 'asked', 'asks', 'ask', 'told', 'tells', 'tell', 'remind', 'suggested', 'suggests', 'suggesting', 'recommended',
  'recommends', 'proposed', 'proposes', 'mentioned', 'posted', 'typed', 'reckons', 'thinks', 'thought', 'wants', 'wanted', 'quote', 'quoting',
]);
/** A quote's citation, said as why ("as bob said, ack 12", "per bob, ack 12"): the order is the speaker's own. */
const CITING = new Set(['as', 'like', 'per']);
/**
 * Words that correct or take back what was just said, anywhere after the order's verb ("ack 12 no wait 13", "ack 12 sorry
 * I meant 13", "ack 12 oops wrong one", "restart nginx on web-1 - scratch that"): the order as typed is not the one meant.
 */
const CORRECTIONS = [
  'no wait', 'wait no', 'oh wait', 'i meant', 'meant to say', 'sorry meant', 'wrong one', 'wrong id', 'wrong alert', 'wrong incident', 'oops', 'whoops',
  'scratch that', 'on second thought', 'on second thoughts', 'belay that', 'nvm', 'never mind', 'nevermind', 'jk', 'just kidding', 'cancel that', 'ignore that',
];
/** "can you restart …", "could we ack 12", "will you …": orders, asked politely. */
const POLITE_SUBJECTS = new Set(['you', 'u', 'we', 'ya']);
const NEGATIONS = new Set([
  "don't", 'dont', 'do not', 'never', 'not', "doesn't", "didn't", "shouldn't", "won't", 'no', 'nobody', 'noone',
  // ("i wouldn't restart nginx on web-1", "we can't ack 12 yet", "mustn't fail over").
  "wouldn't", 'wouldnt', 'shouldnt', "couldn't", 'couldnt', "can't", 'cant', 'cannot', "mustn't", 'mustnt', "needn't", 'wont',
  // ("I haven't acked 12 yet", "we haven't restarted nginx on web-1": what was not done; they acknowledged 12 with the comment
  // "yet", planned the restart.)
  "haven't", 'havent', "hasn't", 'hasnt', "hadn't", 'hadnt',
]);
/** A line that ends taking itself back ("ack 12 nvm", "silence web-1 for 1h jk", "ack 12 - actually no"). */
const RETRACTIONS = [
  'nvm', 'never mind', 'nevermind', 'jk', 'j/k', 'just kidding', 'no wait', 'wait no', 'actually no', 'actually never mind', 'actually nvm', 'scratch that', 'ignore that',
  'ignore me', 'disregard', 'disregard that', 'cancel that',
  // ("ack 12 not yet", "restart nginx on web-1 /s", "ack 12 actually don't", "silence web-1 for 1h... wait"): held back or not meant.
  'not yet', 'not now', 'hold on', 'hang on', '/s', "actually don't", 'actually dont', 'or maybe not', 'maybe not', 'not', 'lol no', 'haha no', 'jk no',
  // ("ack 12 not just yet", "ack 12 - don't", "silence web-1 for 1h, don't do it": held back or taken back, comment marker or
  // not; they were done with the words as the comment.)
  'not just yet', 'not quite yet', 'not yet please', 'not yet pls', "don't", 'dont', 'do not', "please don't", "pls don't", 'pls dont',
  "don't do it", 'dont do it', "don't do that", 'dont do that', 'not yet tho', 'not yet though',
  // ("reboot db-1 kidding", "resolve 7 (kidding)", "ack 12 not really": planned a restart of service "kidding", resolved 7.)
  'kidding', 'just kidding', 'only kidding', 'joking', 'just joking', 'only joking', 'not really', 'jk lol',
  // ("restart nginx on web-1 no", "ack 12 nope": taken back at once; it planned the restart, acknowledged 12 with comment "no".)
  'no', 'nope', 'nah', 'no no',
  // ("restart nginx on web-1 ❌", "resolve 7 👎", "… :no_entry:": a "no" as a reaction at its end.)
  '❌', '✖️', '🚫', '👎', '🙅', '🙅‍♂️', '🙅‍♀️', '🛑', '⛔', ':x', ':no_entry', ':no_entry_sign', ':thumbsdown', ':-1', ':octagonal_sign', ':no_good', ':stop_sign', ':heavy_multiplication_x',
];
/** A line that ends weighing it ("rollback or not", "restart nginx, yes or no"). */
// ("restart nginx on web-1 any objections", "silence web-1 for 1h - thoughts", "… at your convenience": put to the channel.)
const WEIGHINGS = ['or not', 'yes or no', 'or no', 'or what', 'y/n', 'yes/no', 'or nah', 'or nope', 'any objections', 'objections', 'any objection', 'thoughts', 'any thoughts',
  'when ready', "when you're ready", 'when youre ready', 'at your convenience', 'sound good', 'sounds good', 'good idea', 'bad idea',
  // ("ack 12 yeah", "resolve 7 correct": a tag question without its mark; "ack 12 right" stays "right now", as before.)
  'yeah', 'correct'];
/** A line that ends hedging, before any comment ("restart nginx on web-1 maybe", "ack 12 i guess"; not "ack 12 - the deploy maybe"). */
const HEDGES = ['maybe', 'perhaps', 'probably', 'i guess', 'i think', 'i suppose', 'or something', 'imo', 'imho', 'i reckon', 'i believe', 'idk',
  // ("reboot db-1 lol", "resolve 7 haha", "reboot db-1 🤔": laughed off or wondered about, not plainly asked; asked back.)
  'lol', 'lmao', 'lmfao', 'rofl', 'haha', 'hahaha', 'hehe', 'lul', '🤔', ':thinking_face:', ':thinking_face', ':thinking:', ':thinking',
  // ("resolve 7 🤷", "ack 12 😬": a shrug or a grimace, unsure.)
  '🤷', '🤷‍♂️', '🤷‍♀️', '🤷🏻', '🤷🏽', '🤷🏿', ':shrug', '😬', ':grimacing', '😅', ':sweat_smile', '🙃'];
/** Words before a closing "help" that make it a verb ("restart didn't help", "that would help"), not help asked for. */
const HELP_AS_VERB = new Set(["didn't", 'didnt', "doesn't", 'doesnt', "won't", 'wont', 'will', 'would', 'to', 'can', 'could', 'may', 'might', 'not', 'should', 'it', 'this', 'that', 'did', 'does']);
/** Words that weigh an action rather than order it ("we should restart", "maybe flush"). */
// ("should've acked 12", "could've silenced web-1": what might have been done; it acknowledged 12.)
const MODALS = new Set(['should', 'might', 'may', 'maybe', 'perhaps', 'ought', 'probably', 'prob', 'possibly', "should've", 'shouldve', "could've", 'couldve', "would've", 'wouldve', "might've", 'mightve', "must've", 'mustve']);
/** Words that say something has to be done, said before its verb ("we need to restart nginx"): weighed, not ordered. */
const NEEDS = new Set(['need', 'needs', 'must', 'gotta', 'ought']);
/** What an action is said to be, as a noun ("restart needed", "failover pending"). */
const NEEDED = new Set(['needed', 'required', 'pending', 'scheduled', 'recommended', 'necessary', 'planned', 'overdue', 'due']);
/** Words of an intention or an attempt before an order's verb ("I meant to ack 12", "tried restarting nginx"). */
const ATTEMPTS = new Set(['meant', 'forgot', 'tried', 'trying', 'attempted', 'attempting', 'planned', 'planning', 'intended', 'intending', 'failed', 'managed', 'hoped', 'hoping', 'struggling']);
/** "I'll", "we will": what the speaker is going to do. */
const WILL = new Set(["i'll", 'ill', "we'll", 'i will', 'we will', 'i shall', 'we shall']);
/** A line that ends with one of these reports what happened ("db-2 failover done"). */
const REPORT_ENDINGS = new Set(['done', 'complete', 'completed', 'finished', 'succeeded', 'worked', 'fine', 'ok', 'okay']);

/** Imperatives that set an incident's status ("mark 7 mitigated", "set incident 7 to resolved", "reopen 7"). */
const STATUS_ORDER_LEADS = new Set(['mark', 'set', 'resolve', 'close', 'reopen', 'mitigate']);

/** "let's not restart web-1", "stop, don't ack 12", "hold off on the failover": a negation said before the order's verb. */
const HOLD_OFF = new Set(['hold off', 'no need', 'not yet', 'hold on', 'hang on', 'hold up', 'wait up']);
/** "wait, ack 12", "wait to restart nginx on web-1": a wait said before the order's verb holds it. */
const WAITS = new Set(['wait', 'waiting']);

/** Who or when a report of something done is said with ("I acked 12", "we've silenced web-1", "already acked 12", "bob acked 12"). */
const SUBJECTS = new Set([
  'i', 'we', "i've", 'ive', "we've", 'weve', "i'd", "we'd", 'he', 'she', 'they', "they've", 'someone', 'somebody', 'ops', 'oncall',
  'already', 'just', 'also', 'finally', 'successfully', 'have', 'has', 'had', 'fyi', 'ok', 'okay', 'so',
]);
/** The auxiliaries of a passive report ("incident 7 was resolved yesterday", "12 has been acked", "web-1 got restarted"). */
const PASSIVE = new Set(['was', 'were', 'been', 'got', 'gets', 'already']);
/** What an action did, said right after its noun ("restart failed", "the failover worked", "rollback of api went fine"). */
const OUTCOMES = new Set(['failed', 'fails', 'worked', 'works', 'succeeded', 'went', 'hung', 'crashed', 'errored', 'broke', 'timed', 'is', 'was', 'did', "didn't", 'didnt']);
/** What a silence, an ack or a run is or did, said right after it as a noun ("silence expired", "ack was wrong"). */
// ("silence removed", "silence cancelled", "silence on web-1 lifted", "mute deleted": what became of one; each made a silence
// of alerts named "removed", "cancelled"….)
const NOUN_STATES = new Set(['were', "isn't", 'isnt', "wasn't", 'wasnt', "doesn't", 'doesnt', 'didnt', 'not', 'has', 'had', 'expired', 'ended', 'lapsed', 'helped', 'fixed', 'solved', 'seems', 'looks', 'went',
  'removed', 'cancelled', 'canceled', 'deleted', 'lifted', 'created', 'added', 'applied', 'extended', 'dropped', 'cleared', 'done', 'gone']);
/** What an order's verb said as a noun is of ("the silence *on* web-1", "restart *of* nginx"). */
const NOUN_OF = new Set(['on', 'of', 'for', 'from']);
const DETERMINERS = new Set(['the', 'that', 'this', 'our', 'my', 'your', 'last', 'previous', 'latest']);

const ORDER_WORDS: readonly Word[] = ['ack', 'silence', 'unsilence', 'expire', 'note', 'run'];
/** The first halves of two-word verbs ("rolled back", "failed over"). */
const PHRASAL_HEADS = new Set(['roll', 'fail', 'switch', 'clean']);

/** Orders' verbs that are neither in the lexicon's verbs nor a runbook's: their past forms report too ("unacked 12", "reassigned 7"). */
const OTHER_ORDER_VERBS = new Set(['assign', 'reassign', 'unack', 'unacknowledge', 'unclaim', 'acknowledge']);

/** Orders that undo an earlier one ("unack 12", "unclaim 12"): what was wrong with it is their reason, not a correction. */
const UNDOING_VERBS = new Set(['unack', 'unacknowledge', 'un-ack', 'un-acknowledge', 'unclaim']);

/** Is the word an order's verb in its base form ("ack", "silence", "restart", "resolve", "roll" back)? */
function isBaseOfOrder(stem: string): boolean {
  return stem.length >= 3 && (ORDER_WORDS.some((word) => is(stem, word)) || RUNBOOK_ACTIONS[stem] !== undefined || STATUS_ORDER_LEADS.has(stem) || PHRASAL_HEADS.has(stem) || OTHER_ORDER_VERBS.has(stem));
}

/**
 * The base form of an order's verb said in the past ("acked" → "ack", "closed" → "close",
 * "restarted" → "restart", "unacked" → "unack", "rolled" → "roll"), or null: what was done, not what to do.
 */
export function pastOrderBase(norm: string): string | null {
  if (norm === 'ackd' || norm === "ack'd") return 'ack';
  if (!norm.endsWith('ed')) return null;
  // "acked", "muted" (mute + d), "snoozed", "mapped" (doubled consonant), "rolled".
  return [norm.slice(0, -2), norm.slice(0, -1), norm.slice(0, -3)].find(isBaseOfOrder) ?? null;
}

function isPastOfOrder(norm: string): boolean {
  return pastOrderBase(norm) !== null;
}

/** Is the word the first of an order's verbs, in any form? */
function isOrderWord(norm: string): boolean {
  // (Not "stop", "end", "cancel": words of expiring a silence, and of much else.)
  // ("unack 88 (acked by mistake)": the un-ack is the order; the "acked" after it, read as the line's verb, made it a report.)
  return ORDER_WORDS.some((word) => word !== 'expire' && verbOf(norm, word) > 0) || actionOf(norm) !== null || STATUS_ORDER_LEADS.has(norm) || UNDOING_VERBS.has(norm) || isPastOfOrder(norm);
}

/**
 * "I acked 12", "we've silenced web-1 for the deploy", "bob acked 12 an hour ago", "already
 * acked 12", "incident 7 was resolved yesterday", "the restart failed on web-1": what someone
 * did, said with who did it, an auxiliary of the past, or what came of it.
 */
function reportsWhatWasDone(words: readonly string[]): boolean {
  const past = words.findIndex((w) => isPastOfOrder(w));
  if (past >= 0) {
    const before = words.slice(0, past);
    // The subject: pronouns and adverbs of the past, or one name ("bob acked 12"), not a word of the grammar;
    // or none: "acked 12", "restarted nginx on web-1" are said of what was done, as a chat line reports it.
    const named = (w: string, i: number) => i === 0 && /^@?[a-z]+$/.test(w) && !KNOWN_FORMS.has(w) && !isOrderWord(w);
    if (before.every((w, i) => SUBJECTS.has(w) || named(w, i))) return true;
    if (PASSIVE.has(words[past - 1]!)) return true;
    // "12 acked by me", "web-1 restarted by bob": who did it, said after the verb.
    if (words[past + 1] === 'by' && !before.some((w) => isOrderWord(w))) return true;
    // "12 acked", "alert 12 is acked": what was done to it ("#7 mitigated", "incident 7 resolved" set a status, and are orders).
    const base = pastOrderBase(words[past]!);
    if (before.length > 0 && base !== null && !STATUS_ORDER_LEADS.has(base) && before.every((w) => /^#?\d+$/.test(w) || w === 'is' || is(w, 'alert'))) return true;
  }
  // "the silence on web-1 expired", "the ack on 12 was a mistake", "the restart helped": an order never starts with "the" and its verb.
  if (DETERMINERS.has(words[0] ?? '') && isOrderWord(words[1] ?? '')) return true;
  // "silence is golden", "restart didn't help", "ack was wrong", "silence expired for web-1": the verb is a noun, said with what it is or did.
  if (isOrderWord(words[0] ?? '') && (OUTCOMES.has(words[1] ?? '') || NOUN_STATES.has(words[1] ?? ''))) return true;
  // "silence on web-1 ended", "restart of web-1 done", "ack on 12 was wrong": the verb as a noun, with what it was of, then
  // what it did or is (it made a silence of alerts named "ended", planned a restart).
  const det = DETERMINERS.has(words[0] ?? '') ? 1 : 0;
  if (isOrderWord(words[det] ?? '') && NOUN_OF.has(words[det + 1] ?? '') && words.slice(det + 2).some((w) => REPORT_ENDINGS.has(w) || NOUN_STATES.has(w) || OUTCOMES.has(w))) return true;
  // "restart failed", "the failover worked", "rollback of api went fine": an action's noun and its outcome.
  // ("nginx restart failed on web-1", "the nginx restart helped": what it acted on, said before the action's noun.)
  const modifier = words[det] ?? '';
  const named = actionOf(modifier) === null && /^[a-z][\w.-]*$/.test(modifier) && !KNOWN_FORMS.has(modifier) && actionOf(words[det + 1]) !== null;
  if (named && det === 1) return true;
  const noun = det + (named ? 1 : 0);
  if (actionOf(words[noun]) === null) return false;
  const next = words[noun + 1] ?? '';
  // ("rollback done on 7", "failover complete for db-2": the action's noun and that it is done.)
  if (REPORT_ENDINGS.has(next) || (named && NOUN_STATES.has(next))) return true;
  if ((noun === 0 || named) && !OUTCOMES.has(next) && next !== 'of') return false;
  return words.slice(noun + 1).some((w) => OUTCOMES.has(w));
}

/** Nouns whose plural a participle describes ("acked alerts", "resolved incidents", "expired silences"): a list asked for, not a report. */
const DESCRIBED = new Set(['alerts', 'alarms', 'incidents', 'outages', 'silences', 'pages', 'incs']);

/**
 * "acked 12", "restarted nginx on web-1", "fyi silenced web-1 for 1h", "I resolved 7": an
 * order's verb in the past, first on the line or after who did it. Returns where the verb is
 * and its base form, so the line can be answered with the order it reports, or null.
 * ("acked alerts on web-1", "resolved incidents": the participle describes what is listed.)
 */
export function reportedOrderAt(tokens: readonly Token[]): { at: number; base: string } | null {
  let at = 0;
  while (at < tokens.length && (tokens[at]!.norm.startsWith('@') || SUBJECTS.has(tokens[at]!.norm))) at++;
  const base = tokens[at] ? pastOrderBase(tokens[at]!.norm) : null;
  if (base === null) return null;
  let next = at + 1;
  while (SEVERITY_OR_STATE.has(tokens[next]?.norm ?? '')) next++;
  const described = DESCRIBED.has(tokens[next]?.norm ?? '') && !/^#?\d/.test(tokens[next + 1]?.norm ?? '');
  return described ? null : { at, base };
}
const SEVERITY_OR_STATE = new Set([...Object.keys(SEVERITY_WORDS), 'firing', 'open', 'the', 'all', 'my', 'our']);

/**
 * "this ack was wrong, unack 12", "the restart failed; restart nginx on web-1 again": a clause
 * that reports or asks, then one that starts with an order's verb. Returns where the order's
 * clause starts, or null: the order is the line's, what comes before it only says why.
 */
export function orderAfterContext(tokens: readonly Token[]): number | null {
  // ("hypothetically, ack 12", "let's say, silence web-1 for 1h": a supposition leads what follows; it is no clause of its own.)
  if (supposes(tokens)) return null;
  for (let i = 1; i < tokens.length; i++) {
    // ("web-1 is down and restart nginx on web-1", "db-2 is full so clear it": a statement joined to the order by a word.)
    const joined = CONTEXT_JOINERS.has(tokens[i - 1]!.norm);
    // ("… honestly I think it's the deploy, anyway ack 12", "tl;dr restart nginx on web-1": what the rambling comes to.)
    const pivot = PIVOTS.has(tokens[i - 1]!.norm);
    if (!/[,;.]$/.test(tokens[i - 1]!.raw) && !joined && !pivot) continue;
    // ("web-1 is down, pls restart nginx on web-1": manners before the order's verb.)
    const at = MANNERS_FIRST.has(tokens[i]!.norm) ? i + 1 : i;
    const word = tokens[at]?.norm ?? '';
    // ("acked 12 and silenced web-1": a verb in the past leads another report, not an order.)
    const leads = pastOrderBase(word) === null && LEADING_VERBS.some((w) => verbOf(word, w) === 1) || RUNBOOK_ACTIONS[word] !== undefined || STATUS_ORDER_LEADS.has(word) || ['unack', 'un-ack', 'unacknowledge', 'assign', 'reassign'].includes(word);
    if (!leads) continue;
    if (pivot) return i;
    const clause = tokens.slice(0, joined ? i - 1 : i);
    // ("I'm going to go ahead and ack 12", "about to … and restart nginx": the speaker's own plan goes on after "and".)
    if (joined && clause.some((t, k) => (t.norm === 'going' || t.norm === 'about') && clause[k + 1]?.norm === 'to' || ['gonna', 'ima', 'imma'].includes(t.norm))) return null;
    // "hey bot, ack 12", "morning all, ack 12": a greeting says nothing of its own.
    // ("hey @bob, restart nginx": someone else mentioned is who it is asked of, read with the whole line.)
    if (clause.every((t) => GREETINGS.has(t.norm) || FILLER.has(t.norm) || t.norm.startsWith('@')) && mentionedFirst(tokens.slice(0, at + 1)) === null) return i;
    // ("go ahead and restart nginx on web-1", "pls go ahead and ack 12": leave given, the order is what follows; it was not
    // understood. "I'll go ahead and ack 12" is the speaker's own, and stays a report.)
    const goAhead = clause.findIndex((t, k) => t.norm === 'go' && clause[k + 1]?.norm === 'ahead');
    // ("we should go ahead and restart …" weighs it: only manners, a greeting or "you can" may come before.)
    if (joined && goAhead !== -1 && clause.every((t, k) => k === goAhead || k === goAhead + 1 || GREETINGS.has(t.norm) || GO_AHEAD_LEADS.has(t.norm) || t.norm.startsWith('@')) && mentionedFirst(clause) === null) return i;
    const before = moodOf(clause);
    // ("should I ack 12 and restart nginx", "should i go ahead and ack 12": a question joined by "and" goes on asking of what
    // follows; read as context, the order after it was done.)
    if (before === 'question' && tokens[i - 1]!.norm === 'and' && !/\?$/.test(clause.at(-1)!.raw)) return null;
    if (before === 'report' || before === 'intention' || before === 'question') return i;
    // "web-1 is down, restart nginx on web-1", "db-2 disk full; clear disk on db-2": how things stand, said as why.
    return before === 'order' && statesHowThingsAre(clause) ? i : null;
  }
  return null;
}

/** What may come before "go ahead and …" and leave it an order ("pls go ahead and …", "yes, you can go ahead and …"). */
const GO_AHEAD_LEADS = new Set(['please', 'pls', 'plz', 'kindly', 'just', 'you', 'u', 'can', 'yes', 'yeah', 'yep', 'sure', 'ok', 'okay', 'k', 'then', 'so']);

/** Words after which a long message comes to its point ("…, anyway ack 12", "tl;dr: silence db-2 for 2h"). */
const PIVOTS = new Set(['anyway', 'anyways', 'anyhow', 'regardless', 'tldr', 'tl;dr', 'tl:dr', 'so yeah', 'short']);

/** Words that join a statement to the order it explains ("web-1 is down and restart nginx", "… so restart it"). */
const CONTEXT_JOINERS = new Set(['and', 'so']);
const MANNERS_FIRST = new Set(['please', 'pls', 'plz', 'kindly', 'now', 'so', 'then', 'just']);
/** A greeting or a mention, which may lead an order ("hey bot, can you resolve 7", "@smartcloudops resolve 7"); whether the
 * mention is someone else's is the mood's to say (`mentionedFirst`). */
export function greetsOrMentions(norm: string): boolean {
  return GREETINGS.has(norm) || /^@[\w.-]+$/.test(norm);
}

const GREETINGS = new Set(['hey', 'hi', 'hello', 'yo', 'morning', 'evening', 'team', 'folks', 'all', 'everyone', 'guys', 'y\'all', 'alright', 'right', 'ok', 'okay', 'bot', 'opsbot', 'smartcloudops']);
/** Verbs that say how something is ("web-1 is down", "db-2 looks unhealthy", "it keeps flapping", "it's down"). */
const LINKING = new Set(['is', 'are', 'was', 'were', "isn't", 'isnt', "aren't", 'arent', 'looks', 'look', 'seems', 'seem', 'keeps', 'keep', 'appears', 'still', 'been', 'getting', 'went', 'became']);
/** How a host or service is, said without a verb ("web-1 down", "db-2 disk full", "api latency high"). */
const HEALTH = new Set([
  'down', 'dead', 'slow', 'full', 'flapping', 'unreachable', 'broken', 'degraded', 'unhealthy', 'hung', 'stuck', 'erroring', 'failing', 'crashing',
  'crashlooping', 'oom', 'spiking', 'high', 'hosed', 'borked', 'toast', 'lagging', 'saturated', 'overloaded', 'pegged', 'maxed', 'unresponsive', 'wedged', 'red', 'again',
]);

/** Words that start a statement whose subject is left out ("been paged twice", "still down", "keeps flapping"). */
const SUBJECTLESS_LEADS = new Set(['been', 'still', 'keeps', 'kept', 'getting', 'got']);

/**
 * A clause that says how things are, not what to do: a linking verb after its subject, or a
 * state of health at its end ("web-1 is down", "db-2 disk full"), and no order's verb first.
 */
function statesHowThingsAre(tokens: readonly Token[]): boolean {
  const words = tokens.map((t) => t.norm);
  if (words.length < 2 || isOrderWord(words[0]!)) return false;
  // ("been paged 3 times for this, ack 12", "still flapping, ack 12": how it is, its subject left out as chat does.)
  if (SUBJECTLESS_LEADS.has(words[0]!)) return true;
  return words.slice(1).some((w) => LINKING.has(w) || /^[a-z0-9-]+'s$/.test(w) && w !== "let's") || HEALTH.has(words.at(-1)!) || words[0]!.endsWith("'s");
}

/** Subjects after which "once"/"when" mid-line start a condition ("mark 7 mitigated once the graphs settle", "resolve 7 when it recovers"). */
const CONDITION_SUBJECTS = new Set(['the', 'it', "it's", 'its', 'we', "we've", 'they', 'he', 'she', 'you', 'i', "i've", 'that', 'this', 'everything', 'all', 'things', 'traffic', 'bob', 'alice']);
/** What an order is weighed against, said after it ("close 7 or leave it open", "restart nginx or wait for the deploy"). */
const OTHER_CHOICES = new Set(['leave', 'wait', 'keep', 'hold', 'should', 'let', 'ignore', 'skip', 'just', 'do', 'not', 'rather', 'maybe', 'better']);
/** "I'd ack 12", "we'd restart nginx on web-1": what the speaker would do, advice ("I'd like to ack 12" asks, and is an order). */
const WOULD_SUBJECTS = new Set(["i'd", 'id', "we'd", 'wed', "you'd", 'youd']);

/** What happens, said after "should" in a condition ("should it fire again", "should web-1 flap", "should the deploy fail"). */
const HAPPENING_SUBJECTS = new Set(['it', 'this', 'that', 'these', 'those', 'the', 'things', 'anything', 'something', 'cpu', 'memory', 'disk', 'load', 'latency', 'traffic', 'errors', 'alert', 'alerts']);
function happensSubject(norm: string): boolean {
  return HAPPENING_SUBJECTS.has(norm) || /^[a-z]+-?\d+$/.test(norm) || /^#?\d+$/.test(norm);
}

/** Words that make what follows a condition ("if", "unless", "in case", "as soon as"), anywhere before a comment. */
const CONDITIONS = new Set(['if', 'unless', 'whenever', 'in case', 'as soon as', 'as long as', 'provided', 'assuming']);
/** … and these only where a clause starts ("when web-1 recovers, resolve 7", "once the deploy is done …"). */
const CLAUSE_CONDITIONS = new Set(['when', 'once', 'after', 'should']);
/** Words after which "if" asks whether ("check if", "not sure if", "see if"): an embedded question, no condition. */
const WHETHER_AFTER = new Set(['check', 'checking', 'see', 'seeing', 'know', 'sure', 'unsure', 'wonder', 'wondering', 'ask', 'asking', 'verify', 'verifying', 'confirm', 'confirming', 'find', 'finding', 'tell', 'even', 'as', 'what', 'investigating', 'test', 'testing', 'determine']);
/** "when did 12 fire", "once again": a question or an adverb, not a condition. */
const NOT_A_CONDITION_AFTER = new Set(['did', 'does', 'do', 'was', 'were', 'is', 'are', 'will', 'has', 'have', 'again', 'more']);

/**
 * Does the line set a condition on what it asks, before any comment or note's text ("if web-1
 * is still down restart it", "restart nginx on web-1 if it is still down", "ack 12 if nobody has",
 * "when web-1 recovers, resolve 7", "once the deploy finishes restart nginx")? Chat does what
 * is asked at once or not at all: a condition is asked about, never assumed met.
 */
function conditionIn(tokens: readonly Token[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if ((i > 0 && FREE_TEXT_MARKERS.has(token.norm)) || tokens[i - 1]?.colon) return false;
    const two = `${token.norm} ${tokens[i + 1]?.norm ?? ''}`;
    const three = `${two} ${tokens[i + 2]?.norm ?? ''}`;
    const clauseStart = i === 0 || /[,;.]$/.test(tokens[i - 1]!.raw) || ['ok', 'okay', 'so', 'and', 'then', 'but'].includes(tokens[i - 1]!.norm) && i === 1;
    if ((CONDITIONS.has(token.norm) || CONDITIONS.has(two) || CONDITIONS.has(three)) && !WHETHER_AFTER.has(tokens[i - 1]?.norm ?? '')) return true;
    if (i > 1 && (token.norm === 'once' || token.norm === 'when') && CONDITION_SUBJECTS.has(tokens[i + 1]?.norm ?? '')) return true;
    // ("should it fire again, restart nginx on web-1", "restart nginx on web-1 should it flap": "should" before what happens, not
    // before who would act, is "if"; the first was read as a question for context and the restart planned at 0.95. "should it
    // be acked?" asks.)
    if (token.norm === 'should' && (clauseStart || i > 1) && happensSubject(tokens[i + 1]?.norm ?? '') && !['be', 'been', 'have', 'get'].includes(tokens[i + 2]?.norm ?? '')) return true;
    if (clauseStart && CLAUSE_CONDITIONS.has(token.norm) && i + 1 < tokens.length && !NOT_A_CONDITION_AFTER.has(tokens[i + 1]!.norm) && !(token.norm === 'should' && i === 0)) return true;
  }
  return false;
}

/** Does a correction follow the order's verb at `verbAt` ("no wait", "i meant", "oops", or "actually" before an id: "ack 12 actually 13")? */
function correctedAfter(words: readonly string[], verbAt: number, undoing: boolean): boolean {
  const after = words.slice(verbAt + 1);
  const has = (phrase: string) => {
    const parts = phrase.split(' ');
    return after.some((_, i) => parts.every((p, k) => after[i + k] === p));
  };
  // ("unack 88 pls, acked wrong one": after an order that undoes one, "wrong one" says why it is undone; "no wait" still corrects.)
  return CORRECTIONS.some((phrase) => !(undoing && phrase.startsWith('wrong ')) && has(phrase)) || after.some((w, i) => w === 'actually' && /^#?\d+$/.test(after[i + 1] ?? ''));
}

/**
 * Is the order on the line someone else's: a word that quotes or passes it on before its verb ("bob said ack 12",
 * "ask bob to ack 12"; not a citation: "as bob said, ack 12"), or the order typed in quotes and then said to be
 * someone's ('"ack 12" is what he said')?
 */
function quotesAnOrder(tokens: readonly Token[], said: readonly string[], verbAt: number): boolean {
  if (verbAt === -1) return false;
  const before = said.slice(0, verbAt);
  if (before.some((w) => QUOTING.has(w)) && !CITING.has(before[0] ?? '')) return true;
  return /^["“']/.test(tokens[verbAt]?.raw ?? '') && said.slice(verbAt + 1).some((w) => QUOTING.has(w));
}

/** Verbs that say what something is judged to be ("is", "would be", "sounds", "seems"), and the verdicts said with them. */
const JUDGING = new Set(['is', 'was', "it's", 'be', 'sounds', 'seems', 'looks', 'feels']);
// (Not "fine", "ok": "ack 12 is fine" says it of the alert, its comment.)
const VERDICTS = new Set(['good', 'bad', 'risky', 'safe', 'unsafe', 'dangerous', 'mistake', 'wrong', 'right', 'best', 'better', 'worse', 'fix', 'answer', 'solution',
  'plan', 'idea', 'overkill', 'needed', 'necessary', 'enough', 'worth', 'pointless', 'useless', 'need', 'want', 'premature', 'smart', 'dumb', 'option', 'way']);

/** What a run did ("… fixed it", "… did the trick", "… helped"), and what it did it to. */
const RESULTS = new Set(['fixed', 'helped', 'worked', 'solved', 'did', 'cleared', 'sorted', 'resolved']);
const RESULT_OBJECTS = new Set(['it', 'that', 'this', 'things', 'everything', 'the', 'them', 'nothing', 'not', "n't"]);

/** Words that lead a line said about something ("re:", "regarding", "fyi", "psa"). */
const ABOUT_LEADS = new Set(['re', 'regarding', 'about', 'concerning', 'wrt', 'fyi', 'psa', 'fwiw', 'btw', 'heads-up']);
/** Words said first, before a comma or a colon, that are no one's name ("ok, ack 12", "urgent: ack 12" order). */
const NAMES_NOT_ADDRESSED = new Set(['ok', 'okay', 'k', 'kk', 'yes', 'yeah', 'yep', 'yup', 'sure', 'right', 'alright', 'fine', 'cool', 'great', 'good', 'done', 'thanks', 'ty', 'so', 'then', 'now', 'also', 'and', 'first', 'next', 'finally', 'quick', 'quickly', 'again', 'same', 'agreed', 'agree', 'lgtm', 'go', 'approved', 'confirmed', 'noted', 'understood', 'roger', 'ack', 'morning', 'evening', 'afternoon', 'night', 'sorry', 'oops', 'hmm', 'um', 'uh', 'well', 'actually', 'anyway', 'anyways', 'urgent', 'asap', 'important', 'update', 'status',
  // (yes as chat mixes it in, "vale, ack 12", "si, ack 12"; "pretty please ack 12")
  'pretty', 'vale', 'si', 'oui', 'ja', 'da', 'jo', 'bien', 'bueno', 'claro', 'dale', 'gut', 'genau', 'allez', 'alors', 'daccord', 'certo', 'sim', 'tak', 'hai',
  // (greetings as chat mixes them in, "hola, ack 12", "bonjour, ack 12 svp": they were read as asked of someone named so)
  'hola', 'buenas', 'bonjour', 'salut', 'coucou', 'hallo', 'moin', 'servus', 'ciao', 'hej', 'hei', 'ola', 'olá', 'oi']);

/** What is asked of an action, said right after its noun ("rollback status", "failover progress", "restart logs"). */
// (Not "logs", "history", "output": what "clear logs on db-2" acts on.)
const ASKED_OF_ACTION = new Set(['status', 'state', 'progress', 'eta', 'result', 'results', 'outcome']);

const WEIGHING_SET: ReadonlySet<string> = new Set(WEIGHINGS);
const RETRACTION_SET: ReadonlySet<string> = new Set(RETRACTIONS);
const HEDGE_SET: ReadonlySet<string> = new Set(HEDGES);

/** What an order would do, said after it with a modal ("restart nginx would fix it", "ack 12 might help"). */
// ("ack 12 will fix in 10m": what the speaker will do, the comment; not "will".)
const WOULD = new Set(['would', 'might', 'could', 'should', 'may', "'d", "would've", 'wouldve', 'ought']);
const OUTCOME_VERBS = new Set(['fix', 'help', 'work', 'solve', 'sort', 'resolve', 'clear', 'stop', 'unblock', 'cure', 'save', 'calm', 'quiet']);

/**
 * "todo: restart nginx on web-1", "plan: ack 12", "next step: …", "step 3: …", "runbook: …": the order written down as
 * an item of a plan or a list, before a colon; it is about the order, not asked of chat.
 */
const LABELS = new Set(['todo', 'to-do', 'plan', 'next', 'step', 'steps', 'runbook', 'docs', 'doc', 'action', 'actions', 'item', 'fix', 'workaround', 'idea', 'proposal', 'suggestion', 'option', 'remediation', 'mitigation', 'followup', 'follow-up', 'ai', 'then', 'later', 'eventually', 'tomorrow']);
function labelled(tokens: readonly Token[]): boolean {
  if (WRITING_DOWN.has(tokens[0]?.norm ?? '') && onAList(tokens, 1)) return true;
  const colon = tokens.findIndex((t, i) => i < 3 && t.colon);
  if (colon === -1) return /^todo$/i.test(tokens[0]?.raw ?? '') && tokens.length > 1;
  return tokens.slice(0, colon + 1).some((t) => LABELS.has(t.norm)) && tokens.slice(0, colon + 1).every((t) => LABELS.has(t.norm) || /^#?\d+[.)]?$/.test(t.norm) || ['my', 'our', 'the', 'a'].includes(t.norm));
}

/** Verbs that write an order down ("add a restart to the plan", "put the restart of nginx on the agenda"). */
const WRITING_DOWN: ReadonlySet<string> = new Set(['add', 'put', 'write', 'jot', 'note', 'log']);
/** What an order is written down on. */
const LISTS: ReadonlySet<string> = new Set(['plan', 'list', 'agenda', 'todo', 'todos', 'to-do', 'checklist', 'backlog', 'board', 'doc', 'docs', 'notes', 'postmortem', 'ticket', 'runbook', 'playbook']);

/**
 * "… to the plan", "… on the agenda", "… on my todo list" after `from`: the order is written down as an item, not asked of
 * chat ("add a restart to the plan" planned a restart of service "plan"). Before any comment's marker.
 */
export function onAList(tokens: readonly Token[], from: number): boolean {
  for (let i = from; i < tokens.length - 2; i++) {
    if (FREE_TEXT_MARKERS.has(tokens[i]!.norm)) return false;
    if (['to', 'on', 'onto', 'in', 'into'].includes(tokens[i]!.norm) && ['the', 'our', 'my', 'your', 'their', "tomorrow's", "today's"].includes(tokens[i + 1]!.norm)
      && (LISTS.has(tokens[i + 2]!.norm) || LISTS.has(tokens[i + 3]?.norm ?? ''))) return true;
  }
  return false;
}

/**
 * "we did a restart of nginx on web-2", "bob did the rollback": an order's noun after "did" with who did it, a report
 * (it planned the restart). ("did a restart of nginx on web-2" alone asks, as a line led by "did" does.)
 */
function didAsNoun(tokens: readonly Token[]): boolean {
  return tokens.some((t, i) => i > 0 && DID.has(t.norm) && ['a', 'an', 'the', 'another'].includes(tokens[i + 1]?.norm ?? '') && !['you', 'u'].includes(tokens[i - 1]!.norm)
    && (RUNBOOK_ACTIONS[tokens[i + 2]?.norm ?? ''] !== undefined || ORDER_NOUNS_DONE.has(tokens[i + 2]?.norm ?? '')));
}
const DID: ReadonlySet<string> = new Set(['did', 'done', 'performed', 'ran']);
const ORDER_NOUNS_DONE: ReadonlySet<string> = new Set(['ack', 'silence', 'mute', 'snooze', 'acknowledgement']);

/**
 * The bot's own names, as a mention ("@smartcloudops ack 12", "@opsbot …"): the line is asked of chat. Slack's markup of a
 * mention as it reaches the app, "<@U123> ack 12", is the app's own too (the Slack endpoint turns the configured bot user's
 * mention into "@smartcloudops", `SMARTCLOUDOPS_SLACK_BOT_USER_ID`; anyone else's into their name).
 */
export const BOT_NAMES: ReadonlySet<string> = new Set(['smartcloudops', 'smart-cloud-ops', 'sco', 'bot', 'opsbot', 'ops-bot', 'chatops', 'chatbot']);

function isBotMention(token: Token): boolean {
  // ("<@U123ABC|bob> can you ack 12": Slack's markup of someone else's mention, named, is theirs; it was done, as the bot's.)
  const named = /^<@[A-Za-z0-9]+\|@?([^>]+)>/.exec(token.raw);
  return named ? BOT_NAMES.has(named[1]!.toLowerCase()) : token.raw.startsWith('<@') || BOT_NAMES.has(token.norm.slice(1));
}

/**
 * A mention as typed or as Slack's markup reaches chat pasted into the console: "@bob", "<@U1|bob>" (as "@bob"), "<!here>",
 * "<!channel>" (as "@here", "@channel"); null when the token is none. ("<!here> ack 12" was done; "@here ack 12" is asked of
 * the channel.)
 */
function mentionOf(token: Token): string | null {
  if (/^@[\w.-]+$/.test(token.norm)) return token.raw.replace(/[,:]+$/, '');
  const named = /^<@[A-Za-z0-9]+\|@?([^>]+)>/.exec(token.raw);
  if (named) return `@${named[1]!}`;
  const group = /^<!(here|channel|everyone)(?:\|[^>]*)?>/i.exec(token.raw);
  if (group) return `@${group[1]!.toLowerCase()}`;
  // ("<!subteam^S123|oncall> ack 12": a Slack user group's mention, pasted; it was done, the group read as no one.)
  const team = /^<!subteam\^[A-Za-z0-9]+(?:\|@?([^>]+))?>/i.exec(token.raw);
  return team ? `@${team[1] ?? 'group'}` : null;
}

/**
 * "@bob ack 12", "hey @alice can you resolve 7", "@here ack 12", "@oncall please ack 12": someone else mentioned before the
 * order, among the greetings that may lead it, is who it is asked of; null when none is (or only the bot is). Returns
 * where the words asked of them start ("ack 12"), for the answer's "say it yourself".
 */
export function mentionedFirst(tokens: readonly Token[]): { who: string; from: number } | null {
  let who: string | null = null;
  let at = 0;
  for (; at < tokens.length; at++) {
    const token = tokens[at]!;
    const mention = mentionOf(token);
    if (mention !== null) {
      if (!isBotMention(token)) who ??= mention;
      continue;
    }
    if (!GREETINGS.has(token.norm) && !FILLER.has(token.norm)) break;
  }
  if (who === null) return null;
  // ("@bob can you ack 12", "@alice could u please restart nginx": the polite question is theirs too.)
  if (['can', 'could', 'would', 'will'].includes(tokens[at]?.norm ?? '') && POLITE_SUBJECTS.has(tokens[at + 1]?.norm ?? '')) at += 2;
  while (['please', 'pls', 'plz', 'kindly', 'just'].includes(tokens[at]?.norm ?? '')) at++;
  return at < tokens.length ? { who, from: at } : null;
}

/**
 * Who a line addressed to someone else is asked of ("@bob", "bob"; null when not said by name: "someone ack 12") and
 * where the order asked of them starts ("ack 12"), for the answer's "to do it yourself, say …"; null when no order is.
 */
export function addresseeOf(tokens: readonly Token[]): { who: string | null; from: number } | null {
  const mentioned = mentionedFirst(tokens);
  if (mentioned) return mentioned;
  const from = tokens.findIndex((t, i) => i > 0 && (isOrderWord(t.norm) || RUN_STOP_VERBS.has(t.norm) || verbOf(t.norm, 'expire') > 0 || STATUS_ORDER_LEADS.has(t.norm)));
  if (from === -1) return null;
  const first = tokens[0]!;
  const named = /[,:]$/.test(first.raw) || ['please', 'pls', 'plz', 'can', 'could', 'would', 'will'].includes(tokens[1]?.norm ?? '');
  return { who: named && !OTHERS.has(first.norm) ? first.raw.replace(/[,:]+$/, '') : null, from };
}

/**
 * How a line asks for what it names: an order, or a question, a negation, a report… that orders nothing. An order with
 * someone else mentioned before it ("@bob ack 12") is asked of them (it acknowledged 12 as "@smartcloudops ack 12" does).
 */
export function moodOf(tokens: readonly Token[]): Mood {
  const said = moodSaid(tokens);
  return said === 'order' && mentionedFirst(tokens) !== null ? 'addressed' : said;
}

function moodSaid(tokens: readonly Token[]): Mood {
  if (labelled(tokens)) return 'listed';
  if (didAsNoun(tokens)) return 'report';
  // ("hypothetically, ack 12": a supposition, said first; not someone named "hypothetically".)
  if (supposes(tokens)) return 'question';
  // "re: restart nginx on web-1", "about the restart on web-1", "regarding the silence on web-1", "fyi restart nginx on web-1
  // fixed it", "heads up: …": said about an order, not asking for it (it planned the restart, made the silence).
  const w0 = tokens[0]?.norm ?? '';
  if ((ABOUT_LEADS.has(w0) && !(w0 === 'about' && tokens[1]?.norm === 'to')) || (['heads', 'head'].includes(w0) && tokens[1]?.norm === 'up')) return 'about';
  // "bob: restart nginx on web-1", "bob, ack 12", "alice please ack 12": asked of someone named first ("hey, ack 12" is not).
  const named = tokens[0] !== undefined && /^[a-z]+$/.test(w0) && w0.length > 1 && !KNOWN_FORMS.has(w0) && !GREETINGS.has(w0) && !FILLER.has(w0) && !isOrderWord(w0) && !ABOUT_LEADS.has(w0)
    && !NEGATIONS.has(w0) && !NAMES_NOT_ADDRESSED.has(w0);
  // ("bob can you ack 12", "alice could u restart nginx": asked of them politely; it acknowledged 12.)
  const askedOf = ['can', 'could', 'would', 'will'].includes(tokens[1]?.norm ?? '') && POLITE_SUBJECTS.has(tokens[2]?.norm ?? '') ? (['please', 'pls', 'plz'].includes(tokens[3]?.norm ?? '') ? 4 : 3) : 0;
  const after = /[,:]$/.test(tokens[0]?.raw ?? '') ? 1 : ['please', 'pls', 'plz'].includes(tokens[1]?.norm ?? '') ? 2 : askedOf;
  // ("bob: cancel run 12", "bob, unsilence 4": a verb that stops or ends is asked of them as much as any order's.)
  const askedVerb = tokens[after]?.norm ?? '';
  if (named && after > 0 && (isOrderWord(askedVerb) || RUN_STOP_VERBS.has(askedVerb) || verbOf(askedVerb, 'expire') > 0)) return 'addressed';
  // "@here rollback done on 7", "@bob ack 12": who a line is addressed to is not what it says.
  const words = tokens.map((t) => t.norm).filter((w, i, all) => !(w.startsWith('@') && all.slice(0, i).every((v) => v.startsWith('@'))));
  const first = words[0] ?? '';
  const second = words[1] ?? '';
  // "don't restart web-1", "do not silence db-2", "never mind": nothing to do.
  if (NEGATIONS.has(first) || (first === 'do' && second === 'not') || (first === 'please' && NEGATIONS.has(second))) return 'negated';
  // "ack 12 nvm", "restart nginx on web-1... actually never mind": taken back at its end, comment or not.
  // (The line's last one to five words, each once: the phrase lists are looked up, not each phrase's words joined again.)
  const endings = [1, 2, 3, 4, 5].map((n) => words.slice(-n).join(' ').replace(/[.!]+$/, ''));
  const ending = (n: number) => endings[n - 1]!;
  if (endings.some((e) => WEIGHING_SET.has(e))) return 'question';
  if (endings.some((e) => RETRACTION_SET.has(e))) return 'negated';
  // ("silence web-1 for 1h... wait", "ack 12 - wait": a wait set apart at the end; "… while we wait" is the comment's.)
  const last = tokens.length - 1;
  if (words.length > 1 && ending(1) === 'wait' && (/[.,;!—–-]$/.test(tokens[last - 1]!.raw) || ['-', '—', '–'].includes(tokens[last - 1]!.norm))) return 'negated';
  // ("ack 12 no wait 13", "ack 12 sorry i meant 13", "ack 12 actually 13": corrected after its verb.)
  const verbFirst = words.findIndex((w) => isOrderWord(w));
  if (verbFirst !== -1 && correctedAfter(words, verbFirst, UNDOING_VERBS.has(words[verbFirst]!))) return 'corrected';
  // Only what is said before a comment tells what the line does: "… because rollback done" is the comment's.
  const marker = words.findIndex((w, i) => i > 0 && FREE_TEXT_MARKERS.has(w));
  const said = marker === -1 ? words : words.slice(0, marker);
  // ("sure, let's just restart prod", "yeah let's just reboot db-1 what could go wrong": irony; the second planned a restart of
  // service "go", "sure, let's just restart nginx on web-1" the restart at 0.8.)
  if (saidInIrony(said)) return 'ironic';
  if ([1, 2, 3].some((n) => said.length >= n && HEDGE_SET.has(said.slice(-n).join(' ').replace(/[.!]+$/, '')))) return 'question';
  // ("restart nginx on web-1 help": help asked with the order, not the order plainly given.)
  if (said.length > 2 && said.at(-1) === 'help' && !HELP_AS_VERB.has(said.at(-2)!)) return 'question';
  // "close 7 or leave it open", "restart nginx on web-1 or wait?": the order weighed against another course.
  if (said.some((w, i) => i > 0 && w === 'or' && OTHER_CHOICES.has(said[i + 1] ?? '') && said.slice(0, i).some((v) => isOrderWord(v)))) return 'question';
  // "if web-1 is still down restart it", "ack 12 if nobody has", "when web-1 recovers, resolve 7": not now, and maybe never.
  if (conditionIn(tokens.slice(tokens.length - words.length))) return 'conditional';

  const politeOrder = ['can', 'could', 'will', 'would'].includes(first) && POLITE_SUBJECTS.has(second);
  if (QUESTION_OPENERS.has(first) && !politeOrder) return 'question';
  if (ASKING_LEADS.some((lead) => words.slice(0, lead.split(' ').length).join(' ') === lead)) return 'question';
  if (OPINIONS.some((lead) => words.slice(0, lead.split(' ').length).join(' ') === lead)) return 'question';
  // "someone ack 12 pls", "somebody please restart nginx", "whoever is on call ack 12", "let bob ack 12".
  const orderAt = words.findIndex((w) => isOrderWord(w));
  if (orderAt > 0 && (words.slice(0, orderAt).some((w) => OTHERS.has(w)) || (first === 'let' && orderAt === 2 && !['me', 'us', "'s"].includes(second)))) return 'addressed';
  // "i'd ack 12", "we'd probably restart nginx": what one would do.
  if (WOULD_SUBJECTS.has(first) && (isOrderWord(second) || (['just', 'probably', 'prob', 'also'].includes(second) && isOrderWord(words[2] ?? '')))) return 'question';
  // "restart web-1?", "maybe we should restart nginx", "we might flush the cache": asked or weighed, not ordered.
  // ("ack 12?!", "restart web-1??": a question mark, whatever follows it.)
  if (!politeOrder && (/\?[!?.]*$/.test(tokens.at(-1)?.raw ?? '') || words.slice(0, 3).some((w) => MODALS.has(w)))) return 'question';
  // ("silence web-1 for 1h? yes", "restart nginx on web-1? ok": asked, then answered by the asker; the answer orders nothing.)
  const asked = tokens.slice(tokens.length - words.length, tokens.length - words.length + said.length);
  if (asked.slice(1, -1).some((t) => /\?[!?.]*$/.test(t.raw))) return 'question';
  // A line that starts with its verb is an order whatever its comment ends with ("ack 12 - load is fine").
  const lead = first === 'please' || first === 'pls' ? second : first;
  // "let's not restart web-1", "stop, don't ack 12", "hold off on restarting web-1": negated before the verb.
  const verbAt = said.findIndex((w) => isOrderWord(w));
  const before = verbAt === -1 ? said : said.slice(0, verbAt);
  if (before.some((w, i) => NEGATIONS.has(w) || WAITS.has(w) || HOLD_OFF.has(`${w} ${before[i + 1] ?? ''}`))) return 'negated';
  // "can you show me how to restart nginx on web-1", "tell me how I'd ack 12": how it is done, asked.
  if (before.some((w, i) => w === 'how' && ['to', 'do', 'does', 'can', 'would', 'should', 'i', "i'd"].includes(before[i + 1] ?? ''))) return 'question';
  // "bob said ack 12", "alice asked me to ack 12", '"ack 12" is what he said': someone else's order, quoted or passed on.
  if (quotesAnOrder(tokens.slice(tokens.length - words.length), said, verbAt)) return 'quoted';
  // "we could restart nginx on web-1", "i would ack 12": advice ("could you …" asks politely).
  if (!politeOrder && before.some((w, i) => ADVISING.has(w) && !POLITE_SUBJECTS.has(before[i + 1] ?? ''))) return 'question';
  // "we can close incident 12", "incident 12 can be closed", "12 could be acked": what may be done, said of it, not asked of
  // chat (they resolved 12: "can we close incident 12?" asks politely, and stays an order).
  if (!politeOrder && (before.some((w, i) => w === 'can' && i > 0 && ['we', 'u', 'you'].includes(before[i - 1]!)) || said.some((w, i) => i > 0 && MAY_BE.has(w) && said[i + 1] === 'be'))) return 'question';
  // "restart nginx on web-1 would fix it", "ack 12 should stop the pages": what the order would do, weighed, not ordered.
  if (verbAt !== -1 && said.some((w, i) => i > verbAt && WOULD.has(w) && OUTCOME_VERBS.has(said[i + 1] ?? ''))) return 'question';
  // "restart nginx on web-1 fixed it", "bounce api-1 did the trick": what a run did, said after it.
  if (verbAt !== -1 && actionOf(said[verbAt]) !== null && said.some((w, i) => i > verbAt + 1 && RESULTS.has(w) && (i === said.length - 1 || RESULT_OBJECTS.has(said[i + 1] ?? '')))) return 'report';
  if (reportsWhatWasDone(said)) return 'report';
  // "restart nginx on web-1 is risky", "ack 12 was a mistake", "restart nginx on web-1 would be good", "… sounds good", "… is
  // the fix": the order is the subject of what is said of it, weighed, not given ("ack 12 is flapping" says it of the alert).
  if (verbAt !== -1 && verbAt <= 1 && said.some((w, i) => i > verbAt && JUDGING.has(w) && said.slice(i + 1, i + 4).some((v) => VERDICTS.has(v)))) return 'question';
  // "about to restart nginx on web-1", "I'm going to silence web-1", "gonna fail over": what the speaker will do themselves.
  const plan = said.slice(['i', "i'm", 'im', 'we', "we're", 'were', 'am', 'are'].includes(said[0] ?? '') ? (['am', 'are'].includes(said[1] ?? '') ? 2 : 1) : 0);
  if ((plan[0] === 'about' || plan[0] === 'going') && plan[1] === 'to' || ['gonna', 'ima', "i'ma", 'imma', "i'mma"].includes(plan[0] ?? '')) return 'intention';
  // "I was going to ack 12", "I meant to ack 12", "I forgot to ack 12", "I tried to restart nginx", "I'm trying to ack 12":
  // what was or is meant or tried, by the speaker; an intention or an attempt, not an order (they acted on it).
  if (before.some((w, i) => (['was', 'were'].includes(w) && ['going', 'gonna', 'about'].includes(before[i + 1] ?? '')) || (ATTEMPTS.has(w) && (before[i + 1] === 'to' || i === before.length - 1)))) return 'intention';
  // "I'll restart nginx on web-1", "we will ack 12": what the speaker will do; "I'll take incident 7" has no order's verb, and is one.
  const will = WILL.has(said[0] ?? '') ? 1 : WILL.has(`${said[0] ?? ''} ${said[1] ?? ''}`) ? 2 : 0;
  if (will > 0 && isOrderWord(said[will] === 'just' ? said[will + 1] ?? '' : said[will] ?? '')) return 'intention';
  // "we need to restart nginx", "someone has to ack 12", "I think we must fail over": weighed, not ordered.
  if (before.some((w, i) => NEEDS.has(w) || (['have', 'has', 'got'].includes(w) && before[i + 1] === 'to'))) return 'question';
  // "restart needed on web-1", "restart of nginx required", "failover pending": what has to be done, said of the action as a noun.
  if (actionOf(said[0]) !== null && (NEEDED.has(said[1] ?? '') || (said[1] === 'of' && said.slice(2).some((w) => NEEDED.has(w))))) return 'question';
  // "rollback status", "failover progress on db", "restart status on web-1": the action's noun with what is asked of it (it
  // planned a rollback of service "status").
  if (actionOf(said[0]) !== null && ASKED_OF_ACTION.has(said[1] ?? '')) return 'question';
  if (LEADING_VERBS.some((word) => verbOf(lead, word) > 0) || actionOf(lead) !== null || STATUS_ORDER_LEADS.has(lead)) return 'order';
  if (said.length > 1 && REPORT_ENDINGS.has(said.at(-1)!)) return 'report';
  return 'order';
}

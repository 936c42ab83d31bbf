import { conceptOf, type InventoryRunbook } from '../inventory.ts';
import { actionOf, ALL_WORDS, FILLER, FREE_TEXT_MARKERS, is, KNOWN_FORMS, verbOf } from '../lexicon.ts';
import { findDurations } from '../times.ts';
import { idOf, restOf, type Token } from '../tokens.ts';
import { CLOCK_TIME, EMOJI_CODE, familyOf, findTarget, freeTextFrom, idAfter, isAlertNoun, isIncidentNoun, leadingVerb, leftoverFactor, type Rule, take } from './kit.ts';
import { APPROVAL_VERBS, reversedBefore } from './orders.ts';

/** A runbook's parameters that take a target (a host) named on the line. */
export const HOST_PARAMS = ['host', 'target', 'instance', 'node', 'server'];
const PATH_PARAMS = ['path', 'dir', 'directory', 'folder', 'file'];

const VERSION_PARAMS = ['version', 'revision', 'release', 'tag', 'ref', 'image'];
/** Nouns an action's name makes a compound with: "restart loop", "restart count", "failover history", "rollback plan". */
const ACTION_NOUNS = new Set(['loop', 'loops', 'count', 'counts', 'storm', 'storms', 'rate', 'history', 'events', 'event', 'policy', 'plan', 'button', 'drill']);
/** Actions that are adjectives too ("all clear", "the disk is clean", "clear as mud"). */
const ADJECTIVE_ACTIONS = new Set(['clear', 'clean', 'free']);

/** A count of runs said with one ("twice", "x2", "3x"). */
const REPEATS = /^(?:twice|thrice|x\d+|\d+x)$/;

/** Nouns of the host named ("reboot the box web-1"), not a parameter's value. */
const HOST_NOUNS = ['box', 'server', 'host', 'machine', 'node', 'instance', 'vm'];
/** Words that point back at something said before ("restart it"), which a chat line on its own does not have. */
// ("restart the same on web-2": what was restarted before is not known here; it planned a restart of service "same".)
const PRONOUNS = new Set(['it', 'that', 'this', 'them', 'those', 'these', 'thing', 'same']);
/** Words for anything at all ("restart things", "flush stuff"), and for an attempt ("give the restart a try"). */
const VAGUE_OBJECTS = new Set(['things', 'stuff', 'something', 'anything', 'whatever', 'somethin', 'try', 'shot', 'whirl']);
const STOP_WORDS = new Set(['on', 'at', 'for', 'in', 'from', 'with', 'to', 'of', 'against']);

function chooseRunbook(candidates: readonly InventoryRunbook[], object: readonly string[]): { runbook: InventoryRunbook; score: number } | null {
  if (candidates.length === 0) return null;
  if (candidates.length === 1) return { runbook: candidates[0]!, score: 1 };
  const named = candidates.filter((r) => object.some((w) => r.id.toLowerCase().includes(w) || r.title.toLowerCase().includes(w)));
  if (named.length === 1) return { runbook: named[0]!, score: 1 };
  // Several runbooks do this; the most general one (fewest words) wins only with a word to fill it.
  const general = [...candidates].sort((a, b) => a.id.length - b.id.length || a.id.localeCompare(b.id));
  return { runbook: general[0]!, score: object.length > 0 ? 0.8 : 0.6 };
}

/**
 * A word of the object that the chosen runbook's name does not hold and exactly one other
 * runbook's does ("clear *cache*": clear-disk chosen by its verb, flush-cache named), or null.
 */
function otherRunbookNamed(runbooks: readonly InventoryRunbook[], chosen: InventoryRunbook, object: readonly string[]): { word: string; runbook: InventoryRunbook } | null {
  const words = (r: InventoryRunbook) => new Set(`${r.id} ${r.title}`.toLowerCase().split(/[^a-z0-9]+/));
  const own = words(chosen);
  // A runbook with a parameter a word fills ("restart *database*": its service) reads the word as that.
  if (object.some((w) => own.has(w)) || chosen.params.some((p) => !HOST_PARAMS.includes(p) && !PATH_PARAMS.includes(p) && !VERSION_PARAMS.includes(p))) return null;
  for (const word of object) {
    if (word.length < 3 || FILLER.has(word)) continue;
    const others = runbooks.filter((r) => r !== chosen && words(r).has(word));
    if (others.length === 1) return { word, runbook: others[0]! };
  }
  return null;
}

/** Up to three runbooks to offer instead, those sharing the most words with what was asked first ("clear-cache": flush-cache, clear-disk). */
function runbooksLike(runbooks: readonly InventoryRunbook[], words: readonly string[]): string[] {
  const shared = (r: InventoryRunbook) => {
    const own = new Set(`${r.id} ${r.title}`.toLowerCase().split(/[^a-z0-9]+/));
    return words.filter((w) => own.has(w)).length;
  };
  return runbooks
    .map((r, order) => ({ id: r.id, score: shared(r), order }))
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, 3)
    .map((r) => r.id);
}

const ABOUT_RUNBOOK_VERBS = new Set(['describe', 'explain', 'show', 'list', 'what', 'which', 'document', 'view', 'display']);
const PREVIOUS_WORDS = new Set(['previous', 'last', 'prior', 'earlier', 'old', 'older']);

/** One word for every host ("restart nginx everywhere"): a run acts on one. */
/** Words that say when or which way, never what a run acts on ("rollback the last deploy", "failover db back"). */
/** ("hard reboot web-1", "graceful restart nginx": how, not what.) */
const NO_VALUE = new Set([...PREVIOUS_WORDS, 'back', 'again', 'current', 'latest', 'now', 'over', 'up', 'down', 'too', 'also', 'first', 'next', 'new', 'ty', 'tyvm', 'cheers', 'ta', 'asap', 'kindly', 'thank',
  'hard', 'soft', 'graceful', 'gracefully', 'force', 'forced', 'forcefully', 'rolling', 'full', 'quick', 'cold', 'warm',
  // ("power cycle web-1": how the host is restarted; it planned a restart of service "power".)
  'power',
  // ("failover db to replica": which way a failover goes, not a cluster named "replica".)
  'replica', 'replicas', 'primary', 'secondary', 'standby', 'leader', 'follower', 'master', 'slave']);
/** A version as written: "4.12", "v2.3.1", "2.3.1-rc.1". */
const VERSION_SHAPED = /^v?\d+(?:\.\d+)+(?:[-+][\w.]+)?$/;

/** Words that say why in a hurry ("cuz OOM"), and what follows "since"/"as" when they say why ("since it's OOM"). */
const WHY_WORDS = new Set(['cuz', 'coz', 'cos', 'bc', 'b/c', 'becuase', 'bcoz']);
const WHY_SUBJECTS = new Set(['it', "it's", 'its', 'we', "we're", 'they', "they're", 'the', 'there', "there's", 'theres', 'i', "i'm"]);
const EVERYWHERE = new Set(['everywhere', 'anywhere', 'fleetwide', 'fleet-wide', 'globally']);

export const runbookRule: Rule = (line) => {
  const { tokens, index } = line;
  const taken = new Set<number>();
  // "approve run 5", "pending approvals": decided on the Approvals page (notFromChatRule), not a runbook named "5".
  if (APPROVAL_VERBS.has(tokens[0]?.norm ?? '') || tokens.some((t) => t.norm === 'approval' || t.norm === 'approvals')) return null;
  const run = leadingVerb(tokens, (n) => verbOf(n, 'run'), 2);
  const action = run ? null : leadingVerb(tokens, (n) => actionOf(n)?.score ?? 0, 2);
  if (!run && !action) return null;
  const verbAt = (run ?? action)!.at;
  // "restart loop on api-1", "restart count", "all clear", "clear as mud": a noun or an adjective, not an order.
  if (ACTION_NOUNS.has(tokens[verbAt + 1]?.norm ?? '') || (ADJECTIVE_ACTIONS.has(tokens[verbAt]!.norm) && (['all', 'is', 'are', 'was', 'looks', 'seems', 'be', 'coast', 'path', 'road'].includes(tokens[verbAt - 1]?.norm ?? '') || tokens[verbAt + 1]?.norm === 'as'))) return null;
  // ("free space on db-1", "free disk on db-2": how much is free is asked as often as freeing it is ordered; it planned
  // clear-disk. "free up space on db-1" orders; "free memory on db-2" is weighed below, memory being no runbook's.)
  if (tokens[verbAt]!.norm === 'free' && !/\s/.test(tokens[verbAt]!.raw) && conceptOf(tokens[verbAt + 1]?.norm ?? '')?.concept === 'disk') {
    const on = findTarget(line, new Set()).hit?.target.name ?? 'db-1';
    return { command: { intent: 'runbook.run', slots: { runbook: '', params: {} } }, confidence: 0.45, problem: `"${tokens[verbAt]!.raw} ${tokens[verbAt + 1]!.raw}" may ask how much is free or order it freed: to see it, "disk on ${on}"; to free it, "free up space on ${on}" or "clear disk on ${on}".` };
  }
  // 'log "rollback done" on 7', 'note: restarted nginx': a runbook's verb in a note's text or in quotes is what was said, not an order.
  if (tokens.slice(0, verbAt).some((t) => verbOf(t.norm, 'note') === 1) || /^["'“‘`]/.test(tokens[verbAt]!.raw)) return null;
  // "revert the silence", "undo the ack", "roll back incident 7": chat's own objects, not a deployment to roll back.
  // (Only the object, before "for incident 7" and the like.)
  const stop = tokens.findIndex((t, k) => k > verbAt && STOP_WORDS.has(t.norm));
  if (tokens.slice(verbAt + 1, Math.min(verbAt + 4, stop === -1 ? tokens.length : stop)).some((t) => ['silence', 'silences', 'ack', 'acknowledgement', 'acknowledgment', 'note'].includes(t.norm) || isAlertNoun(t.norm) || isIncidentNoun(t.norm))) return null;
  // "stop the restart on web-1", "cancel the failover", "avoid restarting web-1": nothing to plan; a run requested is
  // stopped by its number ("cancel run 12", run-cancel.ts), which a run's action does not say.
  if (reversedBefore(tokens, verbAt)) {
    return { command: { intent: 'runbook.run', slots: { runbook: '', params: {} } }, confidence: 0.45, problem: 'Nothing to plan: a run is never undone or put off from chat; one requested is stopped by its number, e.g. "cancel run 12" (the number is on the card that requested it and on the Approvals page of the console).' };
  }
  // "describe the failover runbook", "show the restart runbook": about a runbook, not a run of it.
  if (tokens.slice(0, verbAt).some((t) => ABOUT_RUNBOOK_VERBS.has(t.norm)) && tokens.some((t) => is(t.norm, 'runbook'))) return null;
  taken.add(verbAt);
  // "rollback api to 4.10 - errors after deploy", "… because of errors": why, which a run does not take; none of it is a parameter.
  // ("… due to OOM", "… since it's OOM", "… as it's OOM", "… cuz OOM": why, said in other words.)
  const why = tokens.findIndex((t, k) => k > verbAt && (FREE_TEXT_MARKERS.has(t.norm) || WHY_WORDS.has(t.norm) || (t.norm === 'due' && tokens[k + 1]?.norm === 'to') || (['since', 'as'].includes(t.norm) && WHY_SUBJECTS.has(tokens[k + 1]?.norm ?? ''))));
  if (why !== -1) take(taken, why, tokens.length);
  let i = verbAt + 1;
  if (run && is(tokens[i]?.norm, 'runbook')) taken.add(i++);
  else if (run && tokens[i]?.norm === 'the' && is(tokens[i + 1]?.norm, 'runbook')) take(taken, i, (i += 2));

  // key=value parameters, "for incident 7"
  const params: Record<string, string> = {};
  tokens.forEach((t, k) => {
    // ("cluster=main?": the question mark is the line's, not the value's.)
    const m = /^([a-z_][a-z0-9_]*)=(.+?)[?!.,;]*$/i.exec(t.raw);
    if (m && !taken.has(k)) {
      params[m[1]!] = m[2]!;
      taken.add(k);
    }
  });
  const incident = idAfter(tokens, taken, isIncidentNoun) ?? (() => {
    const hashed = tokens.findIndex((t, k) => !taken.has(k) && /^#\d+$/.test(t.norm));
    return hashed === -1 ? null : { id: idOf(tokens[hashed])!, at: hashed, noun: null };
  })();
  if (incident) {
    taken.add(incident.at);
    if (incident.noun !== null) taken.add(incident.noun);
    if (STOP_WORDS.has(tokens[(incident.noun ?? incident.at) - 1]?.norm ?? '')) taken.add((incident.noun ?? incident.at) - 1);
  }
  const target = findTarget(line, taken);
  if (target.hit) {
    take(taken, target.hit.at, target.hit.end);
    if (STOP_WORDS.has(tokens[target.hit.at - 1]?.norm ?? '')) taken.add(target.hit.at - 1);
  }
  // "restart nginx on all web servers", "across every db host": a run acts on one host, named.
  // ("restart nginx everywhere", "… fleet-wide": every host, said in one word.)
  const allPreps = ['on', 'across', 'for', 'to', 'in'];
  const everywhere = target.hit ? -1 : tokens.findIndex((t, k) => k > verbAt && ((ALL_WORDS.has(t.norm) && allPreps.includes(tokens[k - 1]?.norm ?? '')) || EVERYWHERE.has(t.norm)));
  if (everywhere !== -1) {
    const family = familyOf(line.index, tokens.slice(everywhere + 1).map((t) => t.norm));
    const cut = allPreps.includes(tokens[everywhere - 1]?.norm ?? '') ? everywhere - 1 : everywhere;
    const example = `${restOf(line.text, tokens, verbAt).slice(0, tokens[cut]!.start - tokens[verbAt]!.start).trim()} on ${family[0] ?? line.index.inventory.targets[0]?.name ?? 'web-1'}`;
    return { command: { intent: 'runbook.run', slots: { runbook: '', params } }, confidence: 0.45 * (run ?? action)!.score, problem: `A runbook run acts on one host at a time: say which, e.g. "${example}"${family.length > 1 ? `, then ${family.slice(1, 3).map((name) => `"… on ${name}"`).join(', ')}${family.length > 3 ? ' and so on' : ''}` : ''}.` };
  }
  // The object: words after the verb up to the first preposition ("restart *web* on api-1").
  const object: { word: string; at: number }[] = [];
  // ("restart of nginx on web-1": the action said as a noun, what it acts on after "of"; it planned a restart of no service.)
  if (action && !run && ofLeadsObject(tokens, i, verbAt)) taken.add(i);
  for (let k = i; k < tokens.length && (!STOP_WORDS.has(tokens[k]!.norm) || (k === i && taken.has(k))); k++) {
    if (taken.has(k)) continue;
    // "run the clear-cache runbook": the noun is not part of the name.
    // ("reboot the box web-1": the noun of the host named, not a service.)
    // (":thinking_face:", "🙏": a reaction, never a service.)
    if (['the', 'a', 'an', 'please', 'service', 'now', ...HOST_NOUNS].includes(tokens[k]!.norm) || (run && is(tokens[k]!.norm, 'runbook')) || EMOJI_CODE.test(tokens[k]!.raw.toLowerCase())) {
      taken.add(k);
      continue;
    }
    object.push({ word: tokens[k]!.norm, at: k });
  }
  // "nginx restart on web-1", "php-fpm bounce web-2": the object said before the verb, as a ticket's title says it.
  // (Only the word right before it, and no word of the grammar: "runbooks for restart" asks which runbooks there are.)
  const before = tokens[verbAt - 1]?.norm ?? '';
  if (object.length === 0 && action && verbAt > 0 && !taken.has(verbAt - 1) && !KNOWN_FORMS.has(before) && !NO_VALUE.has(before) && /^[a-z][\w.-]*$/.test(before)) object.push({ word: before, at: verbAt - 1 });
  // "run restart-service for nginx on web-1", "trigger the restart runbook for nginx": what the run is for, after the runbook's name.
  const forAt = tokens.findIndex((t, k) => k >= i && t.norm === 'for' && !taken.has(k));
  const forWords: { word: string; at: number }[] = [];
  for (let k = forAt + 1; forAt !== -1 && k < tokens.length && !STOP_WORDS.has(tokens[k]!.norm); k++) {
    if (!taken.has(k) && !['the', 'a', 'an', 'service', ...HOST_NOUNS].includes(tokens[k]!.norm)) forWords.push({ word: tokens[k]!.norm, at: k });
  }
  if (forWords.length > 0) taken.add(forAt);
  // "restart it", "bounce that": chat keeps no thread, so a pronoun names nothing to act on.
  const pronoun = object.find((o) => PRONOUNS.has(o.word));
  if (pronoun) {
    return { command: { intent: 'runbook.run', slots: { runbook: '', params } }, confidence: 0.45 * (run ?? action)!.score, problem: `Say what to ${tokens[verbAt]!.raw.toLowerCase()}: "${tokens[pronoun.at]!.raw}" names nothing on a line of its own, e.g. "${tokens[verbAt]!.raw.toLowerCase()} nginx on ${target.hit?.target.name ?? 'web-1'}".` };
  }
  // ("can you restart things?", "flush stuff": a word for anything at all names no service; it planned a restart of service
  // "things".)
  const vague = object.find((o) => VAGUE_OBJECTS.has(o.word));
  if (vague) {
    return { command: { intent: 'runbook.run', slots: { runbook: '', params } }, confidence: 0.45 * (run ?? action)!.score, problem: `Say what to ${tokens[verbAt]!.raw.toLowerCase()}: "${tokens[vague.at]!.raw.replace(/[?!.,]+$/, '')}" names no service or host, e.g. "${tokens[verbAt]!.raw.toLowerCase()} nginx on ${target.hit?.target.name ?? 'web-1'}".` };
  }
  // "restart nginx on web-1 in 5 minutes", "at 3am": a run starts when confirmed; doing it now would not be what was asked.
  if (tokens.slice(0, verbAt).some((t) => t.norm === 'schedule')) {
    return { command: { intent: 'runbook.run', slots: { runbook: '', params } }, confidence: 0.45 * (run ?? action)!.score, problem: `A runbook runs when its plan is confirmed; nothing is scheduled from chat: ask when it should run, e.g. "${restOf(line.text, tokens, verbAt)}".` };
  }
  // ("reboot db-1 in 5": a bare number after "in" at the end is minutes ahead, as said in a hurry.)
  const later = tokens.findIndex((t, k) => k > verbAt && !taken.has(k) && ((t.norm === 'at' && CLOCK_TIME.test(tokens[k + 1]?.norm ?? '')) || (t.norm === 'in' && (findDurations(tokens.slice(k + 1, k + 3), new Set()).some((d) => d.start === 0) || (/^\d{1,3}$/.test(tokens[k + 1]?.norm ?? '') && k + 2 === tokens.length))) || ['tonight', 'tomorrow', 'later', 'after', 'afterwards', 'once'].includes(t.norm)
    // "in a bit", "in a while", "in a few"
    || (t.norm === 'in' && ['a', 'an'].includes(tokens[k + 1]?.norm ?? '') && ['bit', 'while', 'few', 'sec', 'second', 'moment', 'minute'].includes(tokens[k + 2]?.norm ?? ''))));
  if (later !== -1) {
    return { command: { intent: 'runbook.run', slots: { runbook: '', params } }, confidence: 0.45 * (run ?? action)!.score, problem: `A runbook runs when its plan is confirmed, not at a time said ("${restOf(line.text, tokens, later)}"); ask again when it should run, e.g. "${tokens.slice(0, later).map((t) => t.raw).join(' ')}".` };
  }
  // "restart nginx and php-fpm on web-1": a runbook acts on one thing per run.
  const joined = object.findIndex((o, k) => k > 0 && k < object.length - 1 && ['and', '&', '+'].includes(o.word));
  if (joined !== -1) {
    const first = object.slice(0, joined).map((o) => o.word).join(' ');
    const second = object.slice(joined + 1).map((o) => o.word).join(' ');
    return { command: { intent: 'runbook.run', slots: { runbook: '', params } }, confidence: 0.45 * (run ?? action)!.score, problem: `One at a time: a runbook run acts on "${first}" or on "${second}", not both; ask for each (e.g. "${tokens[verbAt]!.raw} ${first}…", then "${tokens[verbAt]!.raw} ${second}…").` };
  }
  // "rollback web to 4.11": what follows "to" fills the next parameter.
  const extra: { word: string; at: number }[] = [];
  tokens.forEach((t, k) => {
    if (k > 0 && tokens[k - 1]!.norm === 'to' && !taken.has(k) && k > i) {
      taken.add(k - 1);
      // "to the previous version", "to the last release": no version said; the runbook's default (or its question) decides.
      let at = k;
      if (['the', 'a', 'an'].includes(tokens[at]!.norm)) taken.add(at++);
      if (PREVIOUS_WORDS.has(tokens[at]?.norm ?? '')) {
        taken.add(at++);
        if (['version', 'release', 'one', 'build', 'deploy', 'deployment'].includes(tokens[at]?.norm ?? '')) taken.add(at);
        return;
      }
      if (at < tokens.length && !taken.has(at)) extra.push({ word: tokens[at]!.raw, at });
    }
  });

  let runbook: InventoryRunbook | null = null;
  let score = (run ?? action)!.score;
  let name: string;
  let filler: { word: string; at: number }[] = [];
  if (run) {
    if (object.length === 0) return { command: { intent: 'runbook.run', slots: { runbook: '', params } }, confidence: 0.45, problem: 'Say which runbook to run, e.g. "run restart-service on api-1".' };
    name = object.map((o) => o.word).join('-');
    // Only try a name as long as the longest the inventory could hold.
    let hit = null;
    let used = object.length;
    for (; used > 0 && !hit; used--) {
      const hits = index.runbook(object.slice(0, used).map((o) => o.word).join('-'));
      if (hits.length === 1) hit = hits[0]!;
    }
    // "run the restart runbook on web-1": no runbook is named "restart", but one does it.
    const byAction = hit ? null : object.map((o) => ({ o, action: actionOf(o.word) })).find((a) => a.action !== null);
    const chosen = byAction ? chooseRunbook(index.runbooksFor(byAction.action!.action), object.filter((o) => o !== byAction.o).map((o) => o.word)) : null;
    if (hit) {
      runbook = hit.item;
      score *= hit.score;
      object.slice(0, used + 1).forEach((o) => taken.add(o.at));
      filler = object.slice(used + 1);
    } else if (chosen && byAction) {
      runbook = chosen.runbook;
      score *= chosen.score * byAction.action!.score;
      taken.add(byAction.o.at);
      const named = `${chosen.runbook.id} ${chosen.runbook.title}`.toLowerCase();
      for (const o of object) if (named.includes(o.word)) taken.add(o.at);
      filler = object.filter((o) => !taken.has(o.at));
    } else if (index.inventory.runbooks.length > 0) {
      return { command: { intent: 'runbook.run', slots: { runbook: name, params } }, confidence: 0.4, problem: `No runbook named "${name}".`, suggestions: runbooksLike(index.inventory.runbooks, name.split('-')) };
    } else {
      object.forEach((o) => taken.add(o.at));
    }
  } else {
    const canonical = actionOf(tokens[action!.at]!.norm)!.action;
    name = [canonical, ...object.map((o) => o.word)].join('-');
    const chosen = chooseRunbook(index.runbooksFor(canonical), object.map((o) => o.word));
    // "clear the cache on cache-1": the clear runbook frees disk; the word the line names is another runbook's ("flush-cache").
    const elsewhere = chosen ? otherRunbookNamed(index.inventory.runbooks, chosen.runbook, object.map((o) => o.word)) : null;
    if (chosen && elsewhere) {
      return { command: { intent: 'runbook.run', slots: { runbook: chosen.runbook.id, params } }, confidence: 0.45, problem: `Runbook ${chosen.runbook.id} (${chosen.runbook.title.toLowerCase()}) is what "${tokens[action!.at]!.raw}" does, but "${elsewhere.word}" names ${elsewhere.runbook.id}: say which, e.g. "run ${elsewhere.runbook.id}${target.hit ? ` on ${target.hit.target.name}` : ''}".` };
    }
    if (chosen) {
      runbook = chosen.runbook;
      score *= chosen.score;
      // Words that name the runbook ("clear *disk*", "flush *cache*") are not parameters.
      const named = `${chosen.runbook.id} ${chosen.runbook.title}`.toLowerCase();
      for (const o of object) if (named.includes(o.word)) taken.add(o.at);
    } else if (index.inventory.runbooks.length > 0) {
      return { command: { intent: 'runbook.run', slots: { runbook: name, params } }, confidence: 0.4, problem: `No runbook does "${canonical}".`, suggestions: runbooksLike(index.inventory.runbooks, name.split('-')) };
    } else {
      // Without a runbook inventory the verb names it; the executor says whether one exists.
      name = canonical;
      score *= 0.8;
    }
    filler = object.filter((o) => !taken.has(o.at));
  }
  // "rollback web to 4.11": what follows "to" is the version-like parameter when there is one.
  const versionParam = (runbook?.params ?? []).find((p) => VERSION_PARAMS.includes(p));
  if (versionParam && params[versionParam] === undefined && extra.length > 0) {
    params[versionParam] = extra[0]!.word;
    taken.add(extra[0]!.at);
    extra.shift();
  }
  filler = [...filler, ...forWords, ...extra];

  // Fill the runbook's parameters: the target to its host-like one, object words to the rest in order.
  const names = runbook?.params ?? ['service', 'host'];
  const hostParam = names.find((p) => HOST_PARAMS.includes(p));
  if (target.hit && hostParam && params[hostParam] === undefined) params[hostParam] = target.hit.target.name;
  // A runbook without a host-like parameter ("rollback-deploy": service, version): a named
  // target that is not a host ("payments-api") is what it acts on, its first parameter.
  const firstOpen = names.find((p) => params[p] === undefined);
  if (target.hit && !hostParam && target.hit.target.label !== 'host' && firstOpen) params[firstOpen] = target.hit.target.name;
  // A parameter said by its name: "failover db cluster main", "restart-service on web-1 service nginx".
  for (let k = i; k < tokens.length - 1; k++) {
    const param = tokens[k]!.norm;
    const value = tokens[k + 1]!;
    if (HOST_PARAMS.includes(param) || !names.includes(param) || params[param] !== undefined) continue;
    if (taken.has(k + 1) || STOP_WORDS.has(value.norm)) continue;
    params[param] = value.raw;
    taken.add(k).add(k + 1);
    filler = filler.filter((o) => o.at !== k && o.at !== k + 1);
  }
  // A path ("/var/log", "~/tmp") goes to the runbook's path-like parameter wherever it stands.
  const pathParam = names.find((p) => PATH_PARAMS.includes(p) && params[p] === undefined);
  const pathAt = pathParam ? tokens.findIndex((t, k) => !taken.has(k) && /^[/~]/.test(t.raw)) : -1;
  if (pathParam && pathAt !== -1) {
    params[pathParam] = tokens[pathAt]!.raw.replace(/[,;!?]+$/, '');
    taken.add(pathAt);
    filler = filler.filter((o) => o.at !== pathAt);
  }
  // A path-like parameter takes a path only ("/var/log"); "free memory on db-2" names no path.
  const open = names.filter((p) => !HOST_PARAMS.includes(p) && !PATH_PARAMS.includes(p) && params[p] === undefined);
  // "free memory on db-2": a metric named after the verb, not in the runbook's own name, is likely a question about it.
  let asksAboutMetric = false;
  for (const o of filler) {
    // "failover the db cluster": a parameter's own name is the noun, not its value; nor is "runbook".
    if (names.includes(o.word) || is(o.word, 'runbook')) {
      taken.add(o.at);
      continue;
    }
    // "restart everything on web-1", "restart all services": a run acts on one of each parameter.
    if (ALL_WORDS.has(o.word) || o.word === 'any') {
      return { command: { intent: 'runbook.run', slots: { runbook: runbook?.id ?? name, params } }, confidence: 0.45, problem: `A runbook run acts on one ${open[0] ?? 'thing'} at a time: say which, e.g. "${tokens[verbAt]!.raw} nginx${target.hit ? ` on ${target.hit.target.name}` : ''}".` };
    }
    if (conceptOf(o.word)?.score === 1 && !(runbook && `${runbook.id} ${runbook.title}`.toLowerCase().includes(o.word))) {
      asksAboutMetric = true;
      continue;
    }
    // "reverse the failover", "restart and flush": another runbook's action is no parameter, and one run is one action.
    if (actionOf(o.word)?.score === 1 && runbook && !`${runbook.id} ${runbook.title}`.toLowerCase().includes(o.word)) {
      return { command: { intent: 'runbook.run', slots: { runbook: runbook.id, params } }, confidence: 0.45, problem: `"${tokens[verbAt]!.raw}" and "${o.word}" name two actions: say the one run to plan (a run is not undone from chat: its page on the Approvals view does that).` };
    }
    // "rollback the last deploy", "failover db back", "revert 12": a word of when or which way, or a bare number, names no service or cluster.
    if (NO_VALUE.has(o.word) || FILLER.has(o.word) || /^#?\d+$/.test(o.word)) continue;
    const param = open.shift();
    // "flush dns", "purge the cdn": what to act on, said as the verb's object, that the runbook has no place for (flush-cache
    // takes a host); read without it, a run of something else than asked was planned.
    if (!param && runbook && action && object.some((x) => x.at === o.at) && !target.hit) {
      return { command: { intent: 'runbook.run', slots: { runbook: runbook.id, params } }, confidence: 0.45, problem: `Runbook ${runbook.id} (${runbook.title.toLowerCase()}) has no place for "${o.word}"; it takes ${names.join(', ')}, e.g. "run ${runbook.id} ${names.map((p) => `${p}=…`).join(' ')}".` };
    }
    // ("restart nginx@web-1": a service at its host, as ssh and systemd write them; it planned a restart of service
    // "nginx@web-1" on no host. "postgresql@14-main" names no target and stays a unit's name.)
    const at = /^([^@\s]+)@([^@\s]+)$/.exec(o.word);
    const atHost = at && hostParam && params[hostParam] === undefined ? index.target(at[2]!, false) : [];
    if (at && atHost.length === 1 && hostParam) {
      params[hostParam] = atHost[0]!.item.name;
      o.word = at[1]!;
    }
    if (!param) break;
    // ("revert deploy 4.12", "revert 4.12": a version is no service; it planned a rollback of service "4.12". Said without
    // "to", it may be the version to leave as well as the one to go back to: asked.)
    if (VERSION_SHAPED.test(o.word) && !VERSION_PARAMS.includes(param)) {
      const version = names.find((p) => VERSION_PARAMS.includes(p));
      return { command: { intent: 'runbook.run', slots: { runbook: runbook?.id ?? name, params } }, confidence: 0.45, problem: `"${o.word}" is a version, not a ${param}: say the ${param} and the ${version ?? 'version'} to go to, e.g. "${tokens[verbAt]!.raw.toLowerCase()} api to ${o.word}".` };
    }
    params[param] = o.word;
    taken.add(o.at);
  }
  // "rollback payments-api 2 versions", "to yesterday's version": a version counted back or named by when is not one the
  // runbook can take (it was given "versions", "yesterday's"); the one meant is asked for.
  const versionSaid = versionParam ? params[versionParam] : undefined;
  if (versionParam && versionSaid !== undefined && (!/\d/.test(versionSaid) || tokens.some((t, k) => t.raw === versionSaid && /^(versions?|releases?|builds?|deploys?|deployments?|ago|back)$/.test(tokens[k + 1]?.norm ?? '')))) {
    return { command: { intent: 'runbook.run', slots: { runbook: runbook?.id ?? name, params } }, confidence: 0.45, problem: `Say the ${versionParam} to roll back to, e.g. "${tokens[verbAt]!.raw.toLowerCase()} ${params.service ?? 'payments-api'} to v41"; "${versionSaid}" names none.` };
  }
  // ("run restart-service on web-1 svc=nginx": a parameter said by a name the runbook does not take; planned so, the run
  // carried "svc" and no service.)
  const stray = runbook ? Object.keys(params).find((p) => !runbook.params.includes(p)) : undefined;
  if (runbook && stray !== undefined) {
    return { command: { intent: 'runbook.run', slots: { runbook: runbook.id, params } }, confidence: 0.45, problem: `Runbook ${runbook.id} has no parameter "${stray}"; it takes ${names.join(', ')}, e.g. "run ${runbook.id} ${names.map((p) => `${p}=…`).join(' ')}".` };
  }
  // ("restart nginx on web-1 --force", "… -f", "… twice", "… x2", "… 3 times": an option or a count the run has no place
  // for; it was planned once, as plain, the words dropped.)
  const unread = tokens.findIndex((t, k) => k > verbAt && !taken.has(k) && (/^--?[a-z][\w-]*$/.test(t.norm) || REPEATS.test(t.norm) || (t.norm === 'times' && /^\d+$/.test(tokens[k - 1]?.norm ?? ''))));
  if (unread !== -1 && unread < freeTextFrom(tokens, verbAt)) {
    const said = tokens[unread]!.norm === 'times' ? `${tokens[unread - 1]!.raw} times` : tokens[unread]!.raw;
    return { command: { intent: 'runbook.run', slots: { runbook: runbook?.id ?? name, params } }, confidence: 0.45, problem: `A run is planned once, with the runbook's parameters only (${names.join(', ')}): "${said}" has no place in it; ask for the run without it, then again if needed.` };
  }
  if (target.unresolved) score *= 0.6;
  if (asksAboutMetric) score *= 0.5;
  const slots = incident ? { runbook: runbook?.id ?? name, params, incidentId: incident.id } : { runbook: runbook?.id ?? name, params };
  return {
    command: { intent: 'runbook.run', slots },
    confidence: score * leftoverFactor(tokens, taken),
    ...(target.unresolved ? { problem: `No target named "${target.unresolved}".`, suggestions: target.suggestions ?? [] } : {}),
  };
};

/** Is the word at `i`, right after the action's verb at `verbAt`, an "of" that leads to what it acts on ("restart of nginx")? */
function ofLeadsObject(tokens: readonly Token[], i: number, verbAt: number): boolean {
  return i === verbAt + 1 && tokens[i]?.norm === 'of' && tokens[i + 1] !== undefined && !STOP_WORDS.has(tokens[i + 1]!.norm);
}

import type { Severity } from '../intents.ts';
import { FILLER, is, SEVERITY_WORDS, severitySlots, STATE_WORDS } from '../lexicon.ts';
import { idOf } from '../tokens.ts';
import { alertWindow, DAY_MS, findTarget, idAfter, isAlertNoun, leftoverFactor, type Line, type Rule, take, unreadTime, WINDOW_EXAMPLES } from './kit.ts';
import { ledByStateOrder, silencedFilterOf } from './orders.ts';
import { withoutShorthand } from '../shorthand.ts';

// ("is db-2 unhealthy" asks the same as "is db-2 healthy": what is wrong with it.)
const HEALTH_WORDS = new Set(['ok', 'okay', 'healthy', 'unhealthy', 'health', 'doing', 'fine', 'alright', 'good']);

/** A line of these alone (and filler) asks how things stand: what is firing or acknowledged. */
const STATUS_WORDS = new Set(['status', 'sitrep', 'overview', 'summary', 'report', 'state', 'check', 'investigate', 'inspect', 'happening', 'latest', 'news']);

/** Whole lines that ask how things stand without a target ("what's up", "everything ok?", "are we good"). */
const HOW_THINGS_STAND = /^(sup|what'?s up|wassup|(is )?(everything|all|things|prod) (ok|okay|good|fine|alright|green)|(are )?we (ok|okay|good|fine|healthy)|all good|how are (we|things)( doing| looking)?)[?!.]*$/;

/** Filler, "show" or a status word: what a line that asks how things stand is made of besides a target. */
function isStatusWord(norm: string): boolean {
  return FILLER.has(norm) || STATUS_WORDS.has(norm) || is(norm, 'show');
}

/** The one host-like word ("web-9") of a line of nothing else but filler, show or status words, when it names no target. */
function strayTargetAlone(line: Line): string | null {
  const rest = line.tokens.filter((t) => !isStatusWord(t.norm));
  const word = rest.length === 1 ? rest[0]!.norm : null;
  if (!word || !/[a-z]/.test(word) || !/\d/.test(word) || !/^[a-z0-9._-]+$/.test(word) || idOf(rest[0]) !== null) return null;
  return line.index.target(word, false).length === 0 ? word : null;
}

/** "web-1", "show me web-1", "status of db-2": the line names a target and nothing but filler, show or status words. */
function targetAlone(line: Line): boolean {
  const target = findTarget(line, new Set());
  const hit = target.hit;
  return hit !== null && line.tokens.every((t, i) => (i >= hit.at && i < hit.end) || isStatusWord(t.norm));
}

export const alertsRule: Rule = (line) => {
  const { tokens } = line;
  // "alert 12": that alert (alertShowRule), not the list.
  if (idAfter(tokens, new Set(), isAlertNoun)) return null;
  // "resolve alert 12", "close the alerts": a change asked for, answered by incidentStatusRule's advice;
  // "silence all alerts for 15 mins", "ack the alerts": orders that their own rules answer (or ask about).
  // "silenced alerts", "muted alerts on db-1": a participle first describes the alerts, it orders nothing.
  const silencedFilter = silencedFilterOf(tokens);
  if (ledByStateOrder(tokens) && silencedFilter?.at !== 0) return null;
  const taken = new Set<number>();
  if (silencedFilter) {
    taken.add(silencedFilter.at);
    if (silencedFilter.negator !== null) taken.add(silencedFilter.negator);
  }
  let trigger = 0;
  const severities: Severity[] = [];
  let state: 'firing' | 'acknowledged' | 'resolved' | undefined;
  let fired = false;
  tokens.forEach((t, i) => {
    if (isAlertNoun(t.norm)) {
      trigger = Math.max(trigger, 1);
      taken.add(i);
    // ("going to silence web-1": the "going" of what is to come, not of what is going wrong.)
    } else if ((is(t.norm, 'firing') && !(t.norm === 'going' && tokens[i + 1]?.norm === 'to')) || t.norm === 'fire') {
      trigger = Math.max(trigger, t.norm === 'firing' ? 1 : 0.8);
      state ??= 'firing';
      taken.add(i);
    }
    if (SEVERITY_WORDS[t.norm]) {
      severities.push(SEVERITY_WORDS[t.norm]!);
      trigger = Math.max(trigger, 0.85);
      taken.add(i);
    }
    if (STATE_WORDS[t.norm]) {
      // "alerts not acked", "alerts that aren't resolved": the other states.
      const negated = ['not', 'never', "isn't", 'isnt', "aren't", 'arent', 'yet'].includes(tokens[i - 1]?.norm ?? '');
      // ("alerts nobody acked", "alerts no one has acked": the negation is who did it; it listed the acknowledged ones.)
      const nobody = tokens.slice(Math.max(0, i - 3), i).findIndex((w) => NOBODY.has(w.norm) || (w.norm === 'no' && ['one', 'body'].includes(tokens[tokens.indexOf(w) + 1]?.norm ?? '')));
      state = negated || nobody !== -1 ? NEGATED_STATE[STATE_WORDS[t.norm]!] : STATE_WORDS[t.norm];
      if (negated) taken.add(i - 1);
      if (nobody !== -1) take(taken, Math.max(0, i - 3) + nobody, i);
      taken.add(i);
    }
    if (is(t.norm, 'list') || is(t.norm, 'show') || ['anything', 'something', 'whats', 'happening', 'going', 'on', 'new'].includes(t.norm)) taken.add(i);
    // "what fired overnight", "anything page last night", "what went off": alerts of a past window.
    if (FIRED_WORDS.has(t.norm) || (t.norm === 'went' && tokens[i + 1]?.norm === 'off')) {
      trigger = Math.max(trigger, 0.9);
      fired = true;
      taken.add(i);
      if (t.norm === 'went') taken.add(i + 1);
    }
  });
  // "is web-1 ok", "how is db-2 doing": a target's health, answered by what is wrong with it.
  const health = tokens.findIndex((t, i) => !taken.has(i) && HEALTH_WORDS.has(t.norm));
  // "status", "sitrep", "web-1", "show me web-1", "status of db-2": the state of things (of a target) alone.
  const wholeLine = HOW_THINGS_STAND.test(withoutShorthand(line.text.toLowerCase().replace(/[’‘]/g, "'").trim()));
  const statusOnly = trigger === 0 && ((health === -1 && tokens.length > 0 && tokens.every((t) => isStatusWord(t.norm))) || wholeLine);
  if (trigger === 0 && health === -1 && !statusOnly && !targetAlone(line)) {
    // "web-9", "status of wbe-1": a host-like word alone that is no target.
    const stray = strayTargetAlone(line);
    return stray ? { command: { intent: 'alerts.list', slots: {} }, confidence: 0.45, problem: `No target named "${stray}".`, suggestions: line.index.suggestTargets(stray) } : null;
  }
  const target = findTarget(line, taken);
  if (trigger === 0) {
    if (!target.hit && !(statusOnly && (wholeLine || tokens.some((t) => STATUS_WORDS.has(t.norm))))) return null;
    trigger = 0.8;
    tokens.forEach((t, i) => (wholeLine || HEALTH_WORDS.has(t.norm) || STATUS_WORDS.has(t.norm) || is(t.norm, 'show') || ['is', 'are', 'how', 'hows', 'all', 'right', 'looking'].includes(t.norm) ? taken.add(i) : undefined));
  }
  if (target.hit) take(taken, target.hit.at, target.hit.end);
  const window = alertWindow(line, taken);
  // "what fired" without a time: the last day.
  const range = window ?? (fired ? { from: line.ref.now - DAY_MS, to: line.ref.now } : null);
  if (fired && state === 'firing') state = undefined; // "fired" asks what fired then, not what still fires
  const slots = {
    ...(target.hit ? { target: target.hit.target.name } : {}),
    ...severitySlots(severities),
    ...(state ? { state } : {}),
    ...(silencedFilter ? { silenced: silencedFilter.silenced } : {}),
    ...(range ? { from: range.from, to: range.to } : {}),
  };
  // "alerts since the deploy", "incidents since 0900": a time said and not read is asked about, not left out of the list.
  const unread = window ? null : unreadTime(line.tokens, taken);
  if (unread) return { command: { intent: 'alerts.list', slots }, confidence: 0.45, problem: `Could not read the time "${unread}": say it as e.g. ${WINDOW_EXAMPLES}.` };
  if (target.unresolved) {
    return { command: { intent: 'alerts.list', slots }, confidence: 0.45, problem: `No target named "${target.unresolved}".`, suggestions: target.suggestions ?? [] };
  }
  return { command: { intent: 'alerts.list', slots }, confidence: trigger * (target.hit?.score ?? 1) * leftoverFactor(tokens, taken) };
};

/** Who did nothing ("alerts nobody acked"): the state said after them is negated. */
const NOBODY = new Set(['nobody', 'noone', 'no-one', 'none']);

/** The state asked for by a negated one: not acknowledged is firing, not firing resolved, not resolved either (no state: the default). */
const NEGATED_STATE: Readonly<Record<'firing' | 'acknowledged' | 'resolved', 'firing' | 'resolved' | undefined>> = { acknowledged: 'firing', firing: 'resolved', resolved: undefined };
const FIRED_WORDS = new Set(['fired', 'paged', 'triggered', 'alerted', 'happened', 'happen', 'broke']);

import { formatDuration } from '../format.ts';
import type { Severity, SilenceMatcher } from '../intents.ts';
import { ALL_WORDS, FILLER, FREE_TEXT_MARKERS, is, SEVERITY_WORDS, verbOf } from '../lexicon.ts';
import { findDurations, findEmptyDuration, findPeriodEnd, findUntil, untilDayMonthUnclear, untilHalfUnsaid } from '../times.ts';
import { idOf, restOf, type Token } from '../tokens.ts';
import { CLOCK_TIME, commentFrom, DEFAULT_SILENCE_SECONDS, EMOJI_CODE, escapeRegex, familyOf, findTarget, idAfter, isAlertNoun, isCourtesy, isIncidentNoun, isManners, leadingVerb, leftoverFactor, moreIds, type Reading, type Rule, take, unwrapped } from './kit.ts';
import { reversedBefore, silencedFilterOf } from './orders.ts';
import { isSilencesQuestion } from './silences-list.ts';
import { globMatcher } from '../glob-match.ts';
import { pausedAlertsAt, PERIOD_DETERMINERS, REASON_SUBJECTS, reasonAfterLength, unreadWhen } from './silence-words.ts';
import { ENVIRONMENTS } from '../environment.ts';

const MATCHER = /^([a-z_][a-z0-9_]*)(=~|!~|!=|=)(.+)$/i;
/** The comma before another matcher's name ("alertname=DiskFull,host=db-2"). */
/** A matcher whose quoted value goes on past a space ('alertname="High', then 'CPU"'). */
const QUOTED_VALUE_OPENS = /^\{?([a-z_][a-z0-9_]*)(=~|!~|!=|=)"([^"]*)$/i;
const NEXT_MATCHER = /,(?=[a-z_][a-z0-9_]*(?:=~|!~|!=|=))/i;

export const silenceRule: Rule = (line) => {
  const { tokens } = line;
  const paused = pausedAlertsAt(tokens);
  const verb = leadingVerb(tokens, (n) => verbOf(n, 'silence'), 2) ?? paused;
  if (!verb) return null;
  // "silenced alerts", "which alerts are muted": alerts asked for by their state (alertsRule).
  if (silencedFilterOf(tokens)?.at === verb.at) return null;
  // "expire silence 4" and "unmute silence 4" end one; "help silence" asks about them.
  // ("undo the silence on web-1", "avoid muting db-2": not one to make either.)
  if (!paused && (tokens.slice(0, verb.at).some((t) => is(t.norm, 'expire') || is(t.norm, 'help') || verbOf(t.norm, 'unsilence') > 0 || verbOf(t.norm, 'note') === 1) || reversedBefore(tokens, verb.at))) return null;
  // "list silences", "show active silences", "silences on web-1" ask what is silenced (silencesListRule).
  if (!paused && isSilencesQuestion(tokens, verb.at)) return null;
  // "extend silence 4 by 1h": silences are not extended; a new one is what to ask for.
  if (tokens.slice(0, verb.at).some((t) => ['extend', 'prolong', 'lengthen', 'renew'].includes(t.norm))) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds: DEFAULT_SILENCE_SECONDS } }, confidence: 0.45 * verb.score, problem: 'A silence is not extended: create another that starts now, e.g. "silence disk alerts on db-2 for 2h", then "unsilence" the old one if you like.' };
  }
  // "silence off web-1", "mute off": the silence turned off, not one made of alerts named "off".
  // ("silence 4 off", "mute web-1 off": the same, said after what it is of; they silenced alert 4, web-1's alerts named "off".)
  if (tokens[verb.at + 1]?.norm === 'off' || tokens.at(-1)!.norm === 'off') {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds: DEFAULT_SILENCE_SECONDS } }, confidence: 0.45 * verb.score, problem: 'To end a silence, say which by its id, e.g. "unsilence 4"; "silences" lists them.' };
  }
  // "silence it on web-2", "mute this on db-1", "silence the same on web-2": chat keeps no thread, so what "it" was is not
  // known; they silenced every alert of web-2 (or alerts named "same"). ("silence it for 1h" asked already: nothing else named.)
  const object = tokens[verb.at + 1]?.norm === 'the' ? verb.at + 2 : verb.at + 1;
  if (!paused && BACK_REFERENCES.has(tokens[object]?.norm ?? '')) {
    const target = findTarget(line, new Set([verb.at, object])).hit?.target.name ?? 'db-2';
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds: DEFAULT_SILENCE_SECONDS } }, confidence: 0.45 * verb.score, problem: `Say what to silence: "${restOf(line.text, tokens, verb.at + 1).split(/\s+/).slice(0, object - verb.at).join(' ')}" names nothing on a line of its own (chat keeps no thread), e.g. "silence disk alerts on ${target} for 1h".` };
  }
  // ("pause alerts …": the words before the noun read as the verb are its own.)
  const taken = new Set<number>(paused ? Array.from({ length: verb.at + 1 }, (_, k) => k) : [verb.at]);
  // The comment runs from its marker to the end; nothing in it is a matcher or duration.
  // ("while we resize", "during maintenance": why, not what; "during the weekend" is a period.)
  // ("due to maintenance", "as we patch": why, too.)
  const marker = tokens.findIndex((t, i) => i > verb.at && (FREE_TEXT_MARKERS.has(t.norm) || (['while', 'whilst'].includes(t.norm) && tokens[i - 1]?.norm !== 'a') || (t.norm === 'during' && !duringAPeriod(tokens, i))
    || (t.norm === 'due' && tokens[i + 1]?.norm === 'to') || (['as', 'since'].includes(t.norm) && REASON_SUBJECTS.has(tokens[i + 1]?.norm ?? ''))
    // "see OPS-1234", "ticket OPS-1234", "(patching)", "[patching]": a reference or an aside.
    || (REFERENCE_WORDS.has(t.norm) && i + 1 < tokens.length) || (/^[([]/.test(t.raw) && !BRACKETED_LENGTH.test(t.raw))));
  // ("silence web-2 (not web-1) for 2h": an aside in brackets ends at its bracket; what follows it is still read.)
  const close = marker !== -1 && /^[([]/.test(tokens[marker]!.raw) ? tokens.findIndex((t, i) => i >= marker && /[)\]][,;.!?]*$/.test(t.raw)) : -1;
  const aside = close !== -1 && close < tokens.length - 1;
  let end = marker === -1 || aside ? tokens.length : marker;
  // ("as we patch" keeps its "as", as "while we resize" its "while"; commentFrom drops the "as" of "ack 12 as known issue".)
  let comment = marker === -1 ? undefined : aside ? unwrapped(line.text.slice(tokens[marker]!.start, tokens[close]!.end)) : tokens[marker]!.norm === 'as' ? unwrapped(restOf(line.text, tokens, marker)) : commentFrom(line, marker);
  for (let i = aside ? marker : end; i < (aside ? close + 1 : tokens.length); i++) taken.add(i);

  let durationSeconds = DEFAULT_SILENCE_SECONDS;
  const durations = findDurations(tokens, taken);
  const duration = durations[0];
  // "silence db-2 for 1h and web-1 for 2h": two silences, asked for one at a time.
  if (durations.length > 1 && durations[1]!.start < end) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'One length per silence: ask for each silence on its own, e.g. "silence db-2 for 1h", then "silence web-1 for 2h".' };
  }
  // "silence db-1 for 1h, maintenance", "for 1h: patching": after the duration and its comma or colon, the rest is the comment.
  // ("for 1 hour pls, patching": manners set off by a comma after the length are followed by why, as a comma alone is.)
  // ('for 1h "patching"', "for 1h for patching", "for 1h to patch", "for 1h so we can patch", "for 1h we are patching": why, said after the length.)
  if (duration && comment === undefined && duration.end < end && (tokens[duration.end - 1]!.raw.endsWith(',') || tokens[duration.end - 1]!.colon || mannersThenComma(tokens[duration.end]) || reasonAfterLength(line, duration.end))) {
    comment = commentFrom(line, duration.end);
    end = duration.end;
    for (let i = end; i < tokens.length; i++) taken.add(i);
  }
  // "for tonight", "over the weekend", "until end of day": a span of the calendar.
  // ("until 10 tonight", "until 6 today": an hour said before its day is the end; the day alone is not the period.)
  const hourUntil = tokens.some((t, i) => i < end && !taken.has(i) && UNTIL_WORDS.has(t.norm) && /^\d/.test(tokens[i + 1]?.norm ?? ''));
  const period = duration || hourUntil ? null : findPeriodEnd(tokens.slice(0, end), taken, line.ref);
  if (!duration && findEmptyDuration(tokens.slice(0, end), taken) !== null) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'A silence needs a length above zero, e.g. "for 30m" or "until 6pm".' };
  }
  // "for a bit", "for a while", "briefly": say how long.
  if (!duration && !period && tokens.slice(verb.at + 1, end).some((t) => VAGUE_LENGTHS.has(t.norm))) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'Say how long, e.g. "for 30m", "for 2h" or "until 6pm".' };
  }
  // "silence web-1 forever": a silence has an end (at most 366 days); the word is not an alert's name.
  if (tokens.slice(0, end).some((t) => ['forever', 'indefinitely', 'permanently', 'permanent', 'eternally'].includes(t.norm))) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'A silence has an end (at most 366 days): say for how long, e.g. "for 2h" or "until monday 9am"; an alert that should never page is better fixed in its rule.' };
  }
  // "for an hour or two", "1 or 2 hours", "a few hours", "for 1-2h": a length left open is asked about, not guessed.
  // ("for 2 to 3 hours", "between 2 and 3 hours", "2 - 3 hours": a range said in words; it was a silence of the longer.)
  const rangeStart = duration ? tokens[duration.start - 2] : undefined;
  const rangeSaid = duration ? /^\d+(?:\.\d+)?$/.test(rangeStart?.norm ?? '') && (RANGE_JOINERS.has(tokens[duration.start - 1]!.norm) || (tokens[duration.start - 1]!.norm === 'and' && tokens[duration.start - 3]?.norm === 'between')) : false;
  const openLength = duration ? rangeSaid || tokens[duration.end]?.norm === 'or' || tokens[duration.start - 1]?.norm === 'or' || tokens.slice(duration.start, duration.end).some((t) => t.norm === 'few' || t.norm === 'several')
    : tokens.slice(verb.at + 1, end).some((t) => LENGTH_RANGE.test(t.norm));
  if (openLength) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'Say one length for the silence, e.g. "for 2h" (a silence can be expired early with "unsilence <id>").' };
  }
  // "for at least 1h", "for more than an hour": a length left open above is asked about; "for at most 1h", "max 1h", "no
  // more than 1h", "up to 1h" are read as the length (the words became an alert's name, "least", "max").
  const bound = duration ? LENGTH_BOUNDS.exec(tokens.slice(Math.max(0, duration.start - 3), duration.start).map((t) => t.norm).join(' ')) : null;
  if (duration && bound?.[1]) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: `Say one length for the silence ("${bound[1]}" leaves it open), e.g. "for 2h" (a silence can be expired early with "unsilence <id>").` };
  }
  if (duration && bound?.[2]) take(taken, duration.start - bound[2].split(' ').length, duration.start);
  if (duration) {
    durationSeconds = Math.round(duration.ms / 1000);
    take(taken, duration.start, duration.end);
    // "for 2h", "for the next 3 days": the words that introduce the duration are its own.
    // ("for approx 2h", "for roughly an hour": the length, said roughly.)
    for (let k = duration.start - 1; k >= 0 && ['for', 'during', 'the', 'next', 'coming', 'another', 'until', 'till', 'til', 'approx', 'approximately', 'roughly', 'around', 'about', 'circa', '~', 'maybe', 'perhaps'].includes(tokens[k]!.norm); k--) taken.add(k);
  } else if (period?.at === null) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'A silence starts now, and the weekend has not begun: say when it ends, e.g. "until monday 9am", or ask on Friday.' };
  } else if (period) {
    durationSeconds = Math.round((period.at - line.ref.now) / 1000);
    take(taken, period.start, period.end);
  } else {
    // "until 5pm", "till tomorrow 9am"
    // ("silence web-1 to 5pm", "up to 6": "to" a time, with no start said, is its end.)
    const untilAt = tokens.findIndex((t, i) => i < end && !taken.has(i) && (UNTIL_WORDS.has(t.norm) || (t.norm === 'to' && /^\d/.test(tokens[i + 1]?.norm ?? '') && !tokens.slice(0, i).some((b) => b.norm === 'from' || b.norm === 'between'))));
    if (untilAt !== -1) {
      const until = findUntil(line.text.slice(0, tokens[end - 1]?.end ?? line.text.length), tokens.slice(0, end), taken, untilAt, line.ref);
      if (!until) {
        // Better to ask than to read "until the end of the week" as part of an alert name.
        return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: untilHalfUnsaid(tokens, untilAt) ?? untilDayMonthUnclear(tokens, untilAt) ?? 'Say when the silence ends, e.g. "until 6pm", "until tomorrow 9am" or "for 2h".' };
      }
      durationSeconds = Math.round((until.at - line.ref.now) / 1000);
      take(taken, untilAt, until.end);
    }
  }

  // "silence incident 7": a silence matches labels; an incident's alerts are silenced by what they share.
  const incidentRef = idAfter(tokens.slice(0, end), taken, isIncidentNoun);
  if (incidentRef) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: `A silence matches labels, not an incident: silence incident ${incidentRef.id}'s alerts by name or target, e.g. "silence disk alerts on db-2 for 1h", or acknowledge them with "ack incident ${incidentRef.id}".` };
  }
  // "silence web-1 30", "for 30": a number without its unit. ("snooze 12 for 10": the alert's own id aside; it silenced
  // alert 12 for the default hour.)
  const unitlessAt = (except: number) => (duration ? -1 : tokens.findIndex((t, i) => i > verb.at && i < end && i !== except && !taken.has(i) && /^\d+$/.test(t.norm) && (tokens[i - 1]?.norm === 'for' || i === end - 1)));
  const unitless = (at: number): Reading => {
    const n = tokens[at]!.norm;
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: `Say the unit of ${n}, e.g. "for ${n}m" or "for ${n}h".` };
  };
  // "silence 12 for 30m", "snooze alert #12": one alert by its id, nothing else to match.
  // A bare number only right after the verb: "silence errors on port 8080" names no alert.
  // And only when the line starts with the verb: "extend silence 4 by 1h" is about silence 4.
  const afterVerb = tokens.findIndex((t, i) => i > verb.at && i < end && !taken.has(i) && !FILLER.has(t.norm));
  const leads = paused !== null || tokens.slice(0, verb.at).every((t) => FILLER.has(t.norm));
  const alertRef = !leads ? null : idAfter(tokens.slice(0, end), taken, isAlertNoun) ?? (afterVerb !== -1 && idOf(tokens[afterVerb]) !== null ? { id: idOf(tokens[afterVerb])!, at: afterVerb } : null);
  if (alertRef) {
    // "silence alerts 12 and 13 for 1h": a silence of one alert is made of its labels; one at a time.
    // ("silence 12 13 for 1h", "silence alerts 12 to 15 for 1h", "silence 12-15": a list or a range said without a comma or
    // "and" is several alerts too; it silenced alert 12 alone.)
    const next = tokens[alertRef.at + 1];
    const rangeEnd = next && RANGE_WORDS.has(next.norm) ? idOf(tokens[alertRef.at + 2]) : null;
    const spaced = next && !taken.has(alertRef.at + 1) && alertRef.at + 1 < end && idOf(next) !== null ? [idOf(next)!]
      : rangeEnd !== null && rangeEnd > alertRef.id && rangeEnd - alertRef.id < 50 ? Array.from({ length: rangeEnd - alertRef.id }, (_, k) => alertRef.id + 1 + k) : [];
    const more = moreIds(tokens.slice(0, end), alertRef.at) ?? (spaced.length > 0 ? { ids: spaced, last: alertRef.at + 1 } : null);
    if (more) {
      const length = duration ? ` for ${formatDuration(durationSeconds * 1000)}` : '';
      return { command: { intent: 'silence.create', slots: { matchers: [], alertId: alertRef.id, durationSeconds } }, confidence: 0.45 * verb.score, problem: `One alert per silence, e.g. ${[alertRef.id, ...more.ids].map((id) => `"silence ${id}${length}"`).join(', then ')}; or silence what they share, e.g. their name or target.` };
    }
    // "silence alert 12 on web-2": a silence of an alert is made of its labels; a target said with it is asked about, not dropped.
    const alsoTarget = findTarget({ ...line, tokens: tokens.slice(0, end) }, new Set([...taken, alertRef.at])).hit;
    if (alsoTarget) {
      return { command: { intent: 'silence.create', slots: { matchers: [], alertId: alertRef.id, durationSeconds } }, confidence: 0.45 * verb.score, problem: `A silence of alert ${alertRef.id} matches its own labels, whatever target is said: say either "silence ${alertRef.id}" or what to silence on ${alsoTarget.target.name}, e.g. "silence disk alerts on ${alsoTarget.target.name} for 1h".` };
    }
    if (unitlessAt(alertRef.at) !== -1) return unitless(unitlessAt(alertRef.at));
    taken.add(alertRef.at);
    if ('noun' in alertRef && alertRef.noun !== null) taken.add(alertRef.noun as number);
    tokens.forEach((t, i) => i < end && (isAlertNoun(t.norm) || FILLER.has(t.norm)) && taken.add(i));
    const slots = { matchers: [], alertId: alertRef.id, durationSeconds, ...(comment ? { comment } : {}) };
    return { command: { intent: 'silence.create', slots }, confidence: verb.score * leftoverFactor(tokens, taken) };
  }
  // "silence 12-15 for 1h": a range of alerts, one silence each (it silenced alerts named "12-15").
  const idRange = tokens.findIndex((t, i) => i > verb.at && i < end && !taken.has(i) && /^#?\d{1,9}(?:-|–|\.\.)#?\d{1,9}$/.test(t.norm));
  if (idRange !== -1) {
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: `One alert per silence ("${tokens[idRange]!.raw}" is several): silence each by its id, e.g. "silence ${tokens[idRange]!.norm.replace(/^#/, '').split(/-|–|\.\./)[0]} for ${formatDuration(durationSeconds * 1000)}", or what they share, e.g. their name or target.` };
  }
  if (unitlessAt(-1) !== -1) return unitless(unitlessAt(-1));
  const matchers: SilenceMatcher[] = [];
  for (let i = 0; i < end; i++) {
    if (taken.has(i)) continue;
    // ('alertname="High CPU"': a quoted value with a space in it is one value; it was two matchers, alertname="High" and
    // alerts named "CPU", which no alert matches.)
    // ('alertname="High CPU",host="web-1"': the matchers after the closing quote are read as the others are.)
    const opened = QUOTED_VALUE_OPENS.exec(tokens[i]!.raw);
    const closes = opened ? tokens.findIndex((t, k) => k > i && k < end && t.raw.includes('"')) : -1;
    const quote = closes === -1 ? -1 : tokens[closes]!.raw.indexOf('"');
    const others = closes === -1 ? '' : tokens[closes]!.raw.slice(quote + 1).replace(/^,/, '').replace(/[,}]$/, '');
    const more = others === '' ? [] : others.split(NEXT_MATCHER).map((part) => MATCHER.exec(part));
    if (opened && closes !== -1 && more.every((m) => m !== null)) {
      const from = tokens[i]!.start + tokens[i]!.raw.indexOf('"') + 1;
      matchers.push({ name: opened[1]!, op: opened[2] as SilenceMatcher['op'], value: line.text.slice(from, tokens[closes]!.start + quote) });
      for (const m of more) matchers.push({ name: m![1]!, op: m![2] as SilenceMatcher['op'], value: m![3]!.replace(/^"|"$/g, '') });
      for (let k = i; k <= closes; k++) taken.add(k);
      i = closes;
      continue;
    }
    // ("alertname=DiskFull,host=db-2": matchers written as Alertmanager lists them, a comma before each name; "host=~a,b" is one.)
    // ("silence host:web-1", "mute env:staging": a label and its value as search boxes write them; it named alerts "host:web-1".)
    const labelled = LABEL_COLON.exec(tokens[i]!.raw.replace(/[,;.]$/, ''));
    const parts = labelled ? [`${labelled[1]}=${labelled[2]}`] : tokens[i]!.raw.replace(/^["'{]|["',}]$/g, '').split(NEXT_MATCHER);
    const found = parts.map((part) => MATCHER.exec(part.replace(/^["']|["',]$/g, '')));
    if (found.every((m) => m !== null)) {
      for (const m of found) matchers.push({ name: m![1]!, op: m![2] as SilenceMatcher['op'], value: m![3]!.replace(/^"|"$/g, '') });
      taken.add(i);
    }
  }
  // "silence db-* for 1h", "mute web*": a pattern of target names, matched by their label ("?" stays a question mark).
  for (let i = 0; i < end; i++) {
    if (taken.has(i) || !/^[a-z0-9._-]*\*[a-z0-9._*-]*$/.test(tokens[i]!.norm) || !/[a-z0-9]/.test(tokens[i]!.norm)) continue;
    const glob = tokens[i]!.norm;
    const pattern = glob.split(/(\*+)/).map((part) => (part.startsWith('*') ? '.*' : escapeRegex(part))).join('');
    const matches = globMatcher(pattern);
    const matched = line.index.inventory.targets.filter((t) => matches(t.name));
    const labels = [...new Set(matched.map((t) => t.label))];
    if (matched.length === 0 || labels.length > 1) {
      const why = matched.length === 0 ? `No target matches "${glob}"` : `"${glob}" matches targets of different labels (${labels.join(', ')})`;
      return { command: { intent: 'silence.create', slots: { matchers, durationSeconds } }, confidence: 0.45 * verb.score, problem: `${why}: name the targets, e.g. "silence web-1 and web-2 for 1h".` };
    }
    matchers.push({ name: labels[0]!, op: '=~', value: pattern });
    taken.add(i);
  }
  const target = findTarget(line, taken);
  if (target.unresolved) {
    return {
      command: { intent: 'silence.create', slots: { matchers, durationSeconds } },
      confidence: 0.4,
      problem: `No target named "${target.unresolved}".`,
      ...(target.suggestions?.length ? { suggestions: target.suggestions } : {}),
    };
  }
  if (target.hit) {
    take(taken, target.hit.at, target.hit.end);
    // "silence web-1 and web-2", "mute db-1, db-2": every target named, one matcher per label.
    const names = new Map<string, string[]>([[target.hit.target.label, [target.hit.target.name]]]);
    for (let more = findTarget(line, taken).hit; more && more.score === 1 && more.at < end; more = findTarget(line, taken).hit) {
      // "silence web-1 but not web-2": a target said to be left out is not one more to silence.
      // ("silence db-2 instead of db-1", "… rather than db-1": silenced both, and alerts named "instead".)
      const leftOut = NOT_THIS.has(tokens[more.at - 1]?.norm ?? '') ? 1 : NOT_THIS_PAIRS.has(`${tokens[more.at - 2]?.norm} ${tokens[more.at - 1]?.norm}`) ? 2 : 0;
      if (leftOut > 0) {
        return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: `A silence covers what it names, and "${tokens.slice(more.at - leftOut, more.at).map((t) => t.raw).join(' ')} ${more.target.name}" would leave one out: name only the targets to silence, e.g. "silence ${target.hit.target.name} for 1h".` };
      }
      names.set(more.target.label, [...(names.get(more.target.label) ?? []), more.target.name]);
      take(taken, more.at, more.end);
    }
    if (names.size > 1) {
      return { command: { intent: 'silence.create', slots: { matchers, durationSeconds } }, confidence: 0.45 * verb.score, problem: `One kind of target per silence: ${[...names.values()].map((n) => n.join(', ')).join(' and ')} are matched by different labels; silence each on its own.` };
    }
    for (const [label, values] of names) {
      const unique = [...new Set(values)];
      matchers.push(unique.length === 1 ? { name: label, op: '=', value: unique[0]! } : { name: label, op: '=~', value: unique.map(escapeRegex).join('|') });
    }
  }
  // "silence web-01 for 1h" (web-1 known): a word shaped as a family's host ("web" and a number) names a target, not an alert.
  // So does a word written as hosts are, letters, a dash and digits, of a family the inventory lacks ("silence dev-1 for 1h"
  // made a silence of alerts named "dev-1", which silenced nothing of the host's); an alert so named is said by its label.
  const hostLike = tokens.findIndex((t, i) => i > verb.at && i < end && !taken.has(i) && HOST_SHAPED.test(t.norm) && (DASHED_HOST.test(t.norm) || familyOf(line.index, [HOST_SHAPED.exec(t.norm)![1]!]).length > 0));
  if (hostLike !== -1) {
    const word = tokens[hostLike]!.norm;
    const known = familyOf(line.index, [HOST_SHAPED.exec(word)![1]!]).length > 0;
    const problem = known ? `No target named "${word}".` : `No target named "${word}": name a target ("silence web-1 for 1h"), or alerts by a label and its value ("silence alertname=${word} for 1h").`;
    return { command: { intent: 'silence.create', slots: { matchers, durationSeconds } }, confidence: 0.4, problem, suggestions: line.index.suggestTargets(word) };
  }
  // "silence 10.0.0.5 for 1h", "mute web-9.example.com", "silence db-7:9100": an address or a host's full name names a
  // target, never an alert (it made a silence of alerts named "10.0.0.5", which silenced nothing of the host's).
  const address = tokens.findIndex((t, i) => i > verb.at && i < end && !taken.has(i) && ADDRESS_SHAPED.test(t.norm));
  if (address !== -1) {
    const word = tokens[address]!.norm;
    return { command: { intent: 'silence.create', slots: { matchers, durationSeconds } }, confidence: 0.4, problem: `No target named "${word}".`, suggestions: line.index.suggestTargets(word) };
  }
  // "critical and warning alerts": either severity (two `=` matchers would match no alert).
  const severities = new Set<Severity>();
  for (let i = 0; i < end; i++) {
    const severity = SEVERITY_WORDS[tokens[i]!.norm];
    if (!taken.has(i) && severity) {
      severities.add(severity);
      taken.add(i);
    }
  }
  if (severities.size > 0) matchers.push(severities.size === 1 ? { name: 'severity', op: '=', value: [...severities][0]! } : { name: 'severity', op: '=~', value: [...severities].join('|') });
  // What is left between the verb and the comment names the alerts: "disk alerts", "HighCPU"
  // (not a word before the verb: "yo silence web-1").
  // "disk and memory alerts", "disk, memory or swap": names joined so are either one.
  const groups: string[][] = [[]];
  for (let i = verb.at + 1; i < end; i++) {
    const token = tokens[i]!;
    if (['and', 'or', '&', '+'].includes(token.norm) && groups.at(-1)!.length > 0) groups.push([]);
    if (taken.has(i)) continue;
    // "from 10pm to 2am", "at 11pm": a silence from chat starts now; a start said is asked about, not made an alert name.
    if (CLOCK_TIME.test(token.norm)) {
      return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: 'A silence from chat starts now: say how long or until when, e.g. "for 2h" or "until 2am"; a silence that starts later is made on the Silences page.' };
    }
    // "over lunch", "for the afternoon", "through the deploy", "tomorrow", "~2h", "2h-ish": a when or a length not read is
    // asked about; made an alert's name, it silenced nothing of what was meant for the default hour.
    const lengthRead = durationSeconds !== DEFAULT_SILENCE_SECONDS || duration !== undefined;
    const when = unreadWhen(tokens, i, end, taken, lengthRead);
    if (when) {
      // ("silence web-1 for the migration for 2h": the length is said; the event is why.)
      const problem = lengthRead ? `"${when}" is not read: say why after a dash, e.g. "silence … for ${formatDuration(durationSeconds * 1000)} - ${when.replace(/^for\s+(?:the\s+)?/i, '')}".` : `Say when the silence ends as a length or a time ("${when}" is not read), e.g. "for 2h", "until 6pm" or "until tomorrow 9am".`;
      return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem };
    }
    // ("silence node down alerts", "mute instance down": a host's noun before another word of the name is part of it,
    // NodeDown, InstanceDown; dropped, the silence matched every alert named "down".)
    const nameWord = (t: Token | undefined, k: number) => t !== undefined && k < end && !taken.has(k) && /^[a-z][\w.:-]*$/.test(t.norm) && !FILLER.has(t.norm) && !isAlertNoun(t.norm) && !isManners(t.norm) && !SILENCE_NOISE.has(t.norm);
    if (NAME_NOUNS.has(token.norm) && nameWord(tokens[i + 1], i + 1)) {
      groups.at(-1)!.push(token.norm);
      taken.add(i);
      continue;
    }
    // (":pray:", "cc @dba": Slack's habits, not names; "cheers", "ta", "tia": manners, not names either.)
    // ("silence web-1 real quick": how soon, which is now.)
    if (isAlertNoun(token.norm) || FILLER.has(token.norm) || isManners(token.norm) || SILENCE_NOISE.has(token.norm) || (token.norm === 'real' && tokens[i + 1]?.norm === 'quick') || EMOJI_CODE.test(token.raw.toLowerCase()) || (token.norm === 'cc' && tokens[i + 1]?.norm.startsWith('@'))) {
      taken.add(i);
      continue;
    }
    // ("silence the noisy alerts on web-1", "silence the flapping alert on web-1": how they are, not which; it silenced
    // alerts named "noisy".)
    if (DESCRIBING.has(token.norm)) {
      const where = target.hit ? ` on ${target.hit.target.name}` : '';
      return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: `"${token.raw}" says how the alerts are, not which: name them, e.g. "silence disk alerts${where} for ${formatDuration(durationSeconds * 1000)}", or silence every alert${where || ' of a target'}: "silence ${target.hit?.target.name ?? 'web-1'} for ${formatDuration(durationSeconds * 1000)}".` };
    }
    // ("silence everything on staging for 1h", "silence alerts in prod": a word where a target is said that is no target;
    // it silenced alerts named "staging". A label is said as one: "env=staging". "errors on port 8080" goes on: a name.)
    // ("silence prod for 1h", "mute staging": an environment's name is a label's value, not an alert's name.)
    if ((ENVIRONMENTS.has(token.norm) || (PLACE_WORDS.has(tokens[i - 1]?.norm ?? '') && (i + 1 >= end || taken.has(i + 1)) && /^[a-z][a-z_-]*$/.test(token.norm))) && familyOf(line.index, [token.norm]).length === 0) {
      return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: `No target named "${token.raw}": name a target ("silence web-1 for 1h"), or a label and its value ("silence env=${token.norm} for 1h").` };
    }
    // "mute all db hosts for 1h": hosts by the start of their names, not alerts named "db" (which silenced none of theirs).
    // ("mute web for 1h", "snooze web": a family's word alone, with no alert noun on the line, names its hosts too.)
    const family = HOST_NOUNS.has(tokens[i + 1]?.norm ?? '') || (!tokens.some((t) => isAlertNoun(t.norm)) && !target.hit) ? familyOf(line.index, [token.norm]) : [];
    if (family.length > 0) {
      return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: `Say which hosts: "${token.raw}" starts ${family.join(', ')}; e.g. "silence ${family.slice(0, 2).join(' and ')} for ${formatDuration(durationSeconds * 1000)}" or "silence ${token.norm}-* for ${formatDuration(durationSeconds * 1000)}".` };
    }
    if (/^[\w.:-]+$/.test(token.norm) && idOf(token) === null) {
      groups.at(-1)!.push(token.raw.replace(/[^\w.:-]/g, ''));
      taken.add(i);
      if (token.raw.endsWith(',')) groups.push([]);
    }
  }
  // "silence web-1 for 1h patching": what to silence was said before the length; a word after it, with no alert noun, is
  // more likely why than which alerts: asked, not made a name that silences nothing of web-1's ("for 1h disk alerts" names).
  const late = duration ? groups.flat().length > 0 && tokens.findIndex((t, k) => k >= duration.end && k < end && t.raw.replace(/[^\w.:-]/g, '') === groups.flat().at(-1)) : -1;
  const namedBefore = duration && (target.hit ? target.hit.at < duration.start : matchers.length > 0);
  if (duration && namedBefore && typeof late === 'number' && late !== -1 && !tokens.slice(duration.end, end).some((t) => isAlertNoun(t.norm))) {
    const after = tokens.slice(duration.end, end).filter((t, k) => !taken.has(duration.end + k) || groups.flat().includes(t.raw.replace(/[^\w.:-]/g, ''))).map((t) => t.raw).join(' ');
    const length = formatDuration(durationSeconds * 1000);
    const on = target.hit ? ` on ${target.hit.target.name}` : '';
    return { command: { intent: 'silence.create', slots: { matchers: [], durationSeconds } }, confidence: 0.45 * verb.score, problem: `Say which alerts before the length, e.g. "silence ${after} alerts${on} for ${length}", or why after a dash: "silence …${on} for ${length} - ${after}".` };
  }
  const names = groups.filter((g) => g.length > 0).map((g) => g.map(escapeRegex).join('.*'));
  if (names.length > 0) matchers.unshift({ name: 'alertname', op: '=~', value: `.*(?i:${names.join('|')}).*` });
  if (matchers.length === 0) {
    return { command: { intent: 'silence.create', slots: { matchers, durationSeconds } }, confidence: 0.45 * verb.score, problem: 'Say what to silence, e.g. "silence disk alerts on db-2 for 1h".' };
  }
  const slots = comment ? { matchers, durationSeconds, comment } : { matchers, durationSeconds };
  return { command: { intent: 'silence.create', slots }, confidence: verb.score * (target.hit?.score ?? 1) * leftoverFactor(tokens, taken) };
};

const UNTIL_WORDS = new Set(['until', 'till', 'til', 'untill']);
/** Words bounding a length said right before it: open above (1, asked) or below (2, read). */
const LENGTH_BOUNDS = /(?:^|\s)(?:(at least|more than|longer than|over|min|minimum|a minimum of)|(at most|max|maximum|no more than|not more than|less than|under|up to|a max of))$/;
/** "host:web-1", "env:staging": a label everyone's alerts carry, a colon, its value. */
const LABEL_COLON = /^(host|instance|target|job|env|environment|severity|alertname|service|cluster|namespace|pod|team|region|zone|app)[:](?!\/\/)([^\s:=]+)$/i;
/** Nouns of what alerts are about that start alert names ("node down" of NodeDown, "instance down", "target missing"). */
const NAME_NOUNS = new Set(['node', 'host', 'instance', 'target', 'service', 'server', 'pod', 'container', 'job']);
/** What joins the ends of a range of ids ("12 to 15", "12 through 15"). */
const RANGE_WORDS = new Set(['to', 'through', 'thru', '..']);

/** Words that leave the target after them out ("but not web-2", "except db-1", "without web-3"). */
const NOT_THIS = new Set(['not', 'except', 'excluding', 'without', 'minus', 'besides']);
const NOT_THIS_PAIRS = new Set(['instead of', 'rather than', 'other than', 'apart from', 'but not']);

/** "silence web-1 (2h)": a length in brackets is the silence's, not an aside. */
const BRACKETED_LENGTH = /^[([]\d+(?:[.,]\d+)?\s?(?:s|m|h|d|w|mins?|hrs?|hours?|days?)[)\]][.,;!]*$/;

/** After "during", the words of a period ("during the weekend", "during tonight"), not a reason. */
const DURING_A_PERIOD = /^(tonight|today|overnight|weekend|night|nights|day|days|week|weeks|morning|afternoon|evening|hour|hours|rest|\d.*)$/;

/** Does "during" at `at` say when ("during the weekend") rather than why ("during the migration")? */
function duringAPeriod(tokens: readonly Token[], at: number): boolean {
  let i = at + 1;
  while (PERIOD_DETERMINERS.has(tokens[i]?.norm ?? '')) i++;
  return DURING_A_PERIOD.test(tokens[i]?.norm ?? '');
}

/** An address or a full host name: "10.0.0.5", "10.0.0.5:9100", "web-9.example.com", "db-7:9100". */
const ADDRESS_SHAPED = /^(?:\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?|[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d{1,5})?|[a-z][a-z0-9.-]*:\d{2,5})$/;

/** A host's shape: letters, then a number ("web-01", "db7", "cache_2"). */
const HOST_SHAPED = /^([a-z]+)[-_.]?\d+$/;
/** A host's name as fleets write them: letters, a dash, digits ("dev-1", "stg-3"); "ipv4", "http2", "s3" are not. */
const DASHED_HOST = /^[a-z]+-\d+$/;

/** "see OPS-1234", "ticket OPS-1234": a reference to read, which is the comment. */
const REFERENCE_WORDS = new Set(['see', 'ticket', 'ref', 'jira', 'cf', 'per']);


/** Words between the two ends of a range of lengths said apart ("2 to 3 hours", "2 - 3 hours"). */
const RANGE_JOINERS: ReadonlySet<string> = new Set(['to', 'through', 'thru', '-', '–', '—']);

/** "1-2h", "2-3 days": a range of lengths. */
const LENGTH_RANGE = /^\d+(?:\.\d+)?-\d+(?:\.\d+)?(?:s|m|h|d|w|mins?|hrs?|hours?|days?)?$/;

/** Lengths too vague to set: asked about rather than read as an alert's name. */
// ("for the time being": it silenced alerts named "time being".)
// ("for a sec", "for a second", "a tick": a moment, said so; "for a sec" was a silence of one second.)
const VAGUE_LENGTHS = new Set(['bit', 'while', 'briefly', 'awhile', 'sometime', 'moment', 'being', 'sec', 'second', 'tick', 'jiffy']);
/** How alerts are, said in place of which ("the noisy alerts", "the flapping alert"): no alert is named so. */
/** What points back to something said before ("it", "them", "the same"): on a line of its own it names nothing. */
const BACK_REFERENCES = new Set(['it', 'that', 'this', 'them', 'those', 'these', 'same', 'em', "'em"]);
const DESCRIBING = new Set(['noisy', 'noise', 'flapping', 'flappy', 'spammy', 'annoying', 'loud', 'bogus', 'spurious', 'false', 'junk']);
/** Words before where a target is said ("on staging", "in prod", "across staging"). */
const PLACE_WORDS = new Set(['on', 'in', 'across']);

/** Words of a silence that name no alert: "everything", "anything about", "with severity warning". */
/** The nouns of hosts ("db hosts", "web servers", "cache boxes"). */
const HOST_NOUNS = new Set(['host', 'hosts', 'server', 'servers', 'box', 'boxes', 'node', 'nodes', 'machine', 'machines', 'instance', 'instances', 'vm', 'vms']);
// ("mute notifications for web-1": its notifications are its alerts.)
// ("silence them for 1h": a pronoun names nothing on a line of its own; it made a silence of alerts named "them".)
const SILENCE_NOISE = new Set([...ALL_WORDS, 'them', 'they', 'em', "'em", 'notifications', 'notification', 'notifs', 'alerting', 'paging', 'everywhere', 'anywhere', 'things', 'thing', 'starting', 'alertname', 'any', 'anything', 'something', 'stuff', 'severity', 'sev', 'priority', 'named', 'called', 'regarding', 'related']);

/** Manners typed with a comma after them ("pls,", "thx,"): what follows is said apart from them. */
function mannersThenComma(token: Token | undefined): boolean {
  return token !== undefined && isCourtesy(token) && token.raw.endsWith(',');
}

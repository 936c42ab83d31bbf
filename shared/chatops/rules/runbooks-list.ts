import { actionOf, FILLER, is, verbOf } from '../lexicon.ts';
import { leadingVerb, leftoverFactor, type Rule } from './kit.ts';
import { LIST_QUESTION_WORDS } from './silences-list.ts';

/**
 * "list runbooks", "what runbooks are there", "runbooks for restart", "what can I run":
 * the runbooks the server has. A line led by a run verb ("run the restart runbook") is a
 * run, not a question.
 */
export const runbooksListRule: Rule = (line) => {
  const { tokens, text } = line;
  const whatCanIRun = /^(what|which)( \w+)? can (i|we|you) (run|automate|execute)\??$/i.test(text.trim());
  const noun = tokens.findIndex((t) => is(t.norm, 'runbook'));
  if (!whatCanIRun && noun === -1) return null;
  if (!whatCanIRun && leadingVerb(tokens, (n) => verbOf(n, 'run'), 1)) return null;
  const taken = new Set<number>(whatCanIRun ? tokens.map((_, i) => i) : [noun]);
  let about: string | undefined;
  tokens.forEach((t, i) => {
    if (is(t.norm, 'list') || is(t.norm, 'show') || LIST_QUESTION_WORDS.has(t.norm) || ['available', 'exist', 'got', 'there', 'known'].includes(t.norm)) taken.add(i);
    // "runbooks for restart", "runbooks about disk": what they should be about.
    if (i > noun && ['for', 'about', 'to', 'that', 'which'].includes(tokens[i - 1]?.norm ?? '') && !taken.has(i) && !FILLER.has(t.norm)) {
      about = actionOf(t.norm)?.action ?? t.norm;
      taken.add(i).add(i - 1);
    }
  });
  const slots = about ? { about } : {};
  return { command: { intent: 'runbooks.list', slots }, confidence: leftoverFactor(tokens, taken) };
};

import { RUN_STOP_VERBS } from '../lexicon.ts';
import { idOf, type Token } from '../tokens.ts';
import { commentFrom, isCourtesy, leadingVerb, moreIds, type Reading, type Rule } from './kit.ts';

/** What may stand between the verb and "run": "abort the run 12", "cancel runbook run 12", "stop that run". */
const BEFORE_RUN = new Set(['the', 'this', 'that', 'my', 'our', 'runbook', 'runbooks']);

/** "cancel it", "kill that": said in a conversation about a run, the run it is about. */
const PRONOUNS = new Set(['it', 'this', 'that']);

/** "run 12", "runs 12 13", "run #12", "run no. 12". */
const isRunNoun = (norm: string | undefined): boolean => norm === 'run' || norm === 'runs';

/** "run12", "run#12", "run-12": the noun typed against its id. */
const GLUED_RUN = /^runs?[-#_]?(\d{1,9})$/;

/** The run's id after its noun at `at` ("run 12", "run #12", "run number 12"), and where it is; null when none is said. */
function runIdAt(tokens: readonly Token[], at: number): { id: number; at: number } | null {
  const glued = GLUED_RUN.exec(tokens[at]?.norm ?? '');
  if (glued) return { id: Number(glued[1]), at };
  if (!isRunNoun(tokens[at]?.norm)) return null;
  const next = idOf(tokens[at + 1]);
  if (next !== null) return { id: next, at: at + 1 };
  const numbered = ['number', 'no', 'nr', 'num'].includes(tokens[at + 1]?.norm ?? '') ? idOf(tokens[at + 2]) : null;
  return numbered !== null ? { id: numbered, at: at + 2 } : null;
}

/**
 * "cancel run 12", "kill run 12, wrong pool", "abort the run 12 - wrong host": a runbook run stopped, with why (the
 * cancel's reason), through the same service call as the run page's Cancel run. "cancel it", "stop the run": the run the
 * conversation is about, found by the server. A verb without "run" after it ("cancel silence 3", "stop nginx", "stop the
 * restart on web-1") is another rule's, and a run's id is needed: "cancel run" of nothing else asks which.
 */
export const runCancelRule: Rule = (line) => {
  const { tokens } = line;
  const verb = leadingVerb(tokens, (norm) => (RUN_STOP_VERBS.has(norm) ? 1 : 0));
  if (!verb) return null;
  let at = verb.at + 1;
  while (BEFORE_RUN.has(tokens[at]?.norm ?? '') && at < tokens.length - 1) at++;
  const found = runIdAt(tokens, at);
  if (found) {
    // ("cancel runs 12 and 13", "stop run 12 13": one run at a time, as the Cancel run button.)
    const more = moreIds(tokens, found.at);
    if (more) return { command: { intent: 'runbook.cancel', slots: { runId: found.id } }, confidence: 0.45, problem: `One run at a time, e.g. ${[found.id, ...more.ids].map((id) => `"cancel run ${id}"`).join(', then ')}.` };
    const reason = commentFrom(line, found.at + 1);
    return { command: { intent: 'runbook.cancel', slots: reason ? { runId: found.id, reason } : { runId: found.id } }, confidence: 1 };
  }
  return ofTheConversation(line, verb.at);
};

/** "cancel it", "stop the run", "kill that run, wrong pool": the run the conversation is about; null when more is said. */
function ofTheConversation(line: Parameters<Rule>[0], verbAt: number): Reading | null {
  const { tokens } = line;
  let at = verbAt + 1;
  const pronoun = PRONOUNS.has(tokens[at]?.norm ?? '') && !isRunNoun(tokens[at + 1]?.norm);
  if (pronoun) at++;
  else {
    while (BEFORE_RUN.has(tokens[at]?.norm ?? '')) at++;
    if (!isRunNoun(tokens[at]?.norm) || at === verbAt + 1 && tokens[at]?.norm === 'runs') return null;
    at++;
  }
  // ("cancel it pls", "stop the run 🙏"; "cancel it, wrong pool" says why.)
  const rest = tokens.slice(at);
  const reason = rest.length > 0 && !rest.every(isCourtesy) ? commentFrom(line, at) : undefined;
  if (rest.length > 0 && !rest.every(isCourtesy) && !/[,;:]$/.test(tokens[at - 1]!.raw) && !['-', '--', '—', 'because'].includes(rest[0]!.norm)) return null;
  return { command: { intent: 'runbook.cancel', slots: reason ? { reason } : {} }, confidence: 0.9 };
}

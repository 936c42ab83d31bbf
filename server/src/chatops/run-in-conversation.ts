import type { ChatHistory } from '../../../shared/api/chatops.ts';
import type { ParseResult } from '../../../shared/chatops/intents.ts';

/** How far back a "cancel it" looks for the run it means: the asker's latest lines, the conversation still in view. */
export const CONVERSATION_LINES = 20;

/** "Run #12 waits for 1 approval(s)", "Cancel run #12 of …", "Run #12 cancelled": the run an answer names. */
const RUN_NAMED = /\brun #(\d{1,9})\b/i;

const RUN_INTENTS = new Set(['runbook.run', 'runbook.cancel']);

function unread(text: string): ParseResult {
  return { intent: 'unknown', slots: {}, confidence: 0.45, requiredPermission: null, preview: text, alternatives: [] };
}

/**
 * "cancel it", "stop the run" (a `runbook.cancel` without its run): the run the asker's conversation is about, which is the
 * one the latest answer about a run named ("Run #12 waits for approval", a cancel's card), read from their own chat history
 * (console and Slack are one history). The run is filled in before the confirmation is asked and again when it is
 * answered, so a confirmation is spent only on the run its card showed. Answered `unknown` when no run is in the
 * conversation, or when the latest card waiting for a confirmation is another command's ("ack 12", then "cancel it": that
 * card is what "it" is, and it is cancelled with its button).
 */
export function runInConversation(parsed: ParseResult, history: ChatHistory['items']): ParseResult {
  if (parsed.intent !== 'runbook.cancel' || parsed.slots.runId !== undefined) return parsed;
  const aboutRun = history.findIndex((item) => RUN_INTENTS.has(item.intent));
  const pendingOther = history.findIndex((item) => item.kind === 'confirmation' && !RUN_INTENTS.has(item.intent));
  if (pendingOther !== -1 && (aboutRun === -1 || pendingOther < aboutRun)) {
    return unread(`Nothing is done until it is confirmed: the card waiting above ("${history[pendingOther]!.text}") expires by itself, or press its Cancel. To cancel a runbook run, say its number, e.g. "cancel run 12".`);
  }
  const id = aboutRun === -1 ? null : RUN_NAMED.exec(history[aboutRun]!.summary)?.[1];
  if (!id) return unread('Say which run to cancel by its number, e.g. "cancel run 12": no answer here names a run requested (its number is on the card that requested it, and on the Approvals page of the console).');
  const runId = Number(id);
  return { ...parsed, slots: { ...parsed.slots, runId }, preview: parsed.preview.replace('the runbook run this conversation is about', `runbook run #${runId}`) };
}

import type { Rule } from './kit.ts';

/**
 * A typed yes: confirmations are confirmed on their card, bound to it. ("yes do it", "approved", "+1", "ship it", "sure,
 * go for it": two assents said together, or as a thread's reply to a run's approval; they were not understood.)
 */
const ASSENT = String.raw`(?:y|yes|yep|yeah|yup|ya|confirm|confirmed|ok|okay|k|do it|go|go ahead|go for it|proceed|sure|lgtm|approve|approved|\+1|ship it)`;
const TYPED_YES = new RegExp(String.raw`^${ASSENT}(?:[,!.]? ${ASSENT})?(?: please| pls| now| then)?[!.]*$`);

/** A typed no or undo: nothing pending is done unless confirmed. */
/** ("never mind the silence", "forget it", "scratch that", "no wait, don't": taken back as "never mind" is; not understood.) */
const TYPED_NO = /^(n|no|nope|cancel|never ?mind|nvm|abort|stop|undo( that| it)?|oops|wrong one|(never ?mind|nvm|forget|cancel|scratch|ignore|undo) (it|that|this|the (ack|silence|mute|snooze|restart|rollback|run|note|last one))|forget about it|no,? wait,? don'?t|wait,? don'?t)[!.]*$/;

/** "yes", "go ahead", "cancel", "never mind": answers to a confirmation, which are given on its card. */
export const replyRule: Rule = (line) => {
  const lower = line.text.toLowerCase().replace(/[’‘]/g, "'").trim();
  if (TYPED_YES.test(lower)) return { command: { intent: 'help', slots: {} }, confidence: 0.45, problem: 'A typed "yes" confirms nothing: press Confirm on the card above, e.g. the card "ack 12" answers with (each confirmation is bound to its own card); a runbook run waiting for approval is approved on the Approvals page of the console.' };
  if (TYPED_NO.test(lower)) return { command: { intent: 'help', slots: {} }, confidence: 0.45, problem: 'Nothing is done until it is confirmed: an unconfirmed card expires by itself (or press Cancel on it). To undo a change, ask for its opposite, e.g. "unack 12" or "unsilence 4".' };
  return null;
};

import type { Rule } from './kit.ts';

/** A typed yes: confirmations are confirmed on their card, bound to it. */
const TYPED_YES = /^(y|yes|yep|yeah|yup|confirm|confirmed|ok|okay|ok do it|do it|go|go ahead|proceed|sure|lgtm|approve)( please| now| go ahead)?[!.]*$/;

/** A typed no or undo: nothing pending is done unless confirmed. */
const TYPED_NO = /^(n|no|nope|cancel|never ?mind|nvm|abort|stop|undo( that| it)?|oops|wrong one)[!.]*$/;

/** "yes", "go ahead", "cancel", "never mind": answers to a confirmation, which are given on its card. */
export const replyRule: Rule = (line) => {
  const lower = line.text.toLowerCase().replace(/[’‘]/g, "'").trim();
  if (TYPED_YES.test(lower)) return { command: { intent: 'help', slots: {} }, confidence: 0.45, problem: 'A typed "yes" confirms nothing: press Confirm on the card above, e.g. the card "ack 12" answers with (each confirmation is bound to its own card).' };
  if (TYPED_NO.test(lower)) return { command: { intent: 'help', slots: {} }, confidence: 0.45, problem: 'Nothing is done until it is confirmed: an unconfirmed card expires by itself (or press Cancel on it). To undo a change, ask for its opposite, e.g. "unack 12" or "unsilence 4".' };
  return null;
};

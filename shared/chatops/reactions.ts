import type { ParseResult } from './intents.ts';

/**
 * Emoji said as words, the way a channel reacts. A muted bell leading a line is the verb it shows ("🔇 web-1 for 1h",
 * ":mute: db-2 for 30m": mute); a reaction and an alert's id alone (":white_check_mark: 12", "✅ 12", ":eyes: 12", "👀
 * 12") may mean "acknowledged", "done", "looking" or "resolved", so it is asked about with both readings offered, never
 * acted on. They were not understood, with nothing offered.
 */

/** Emoji that show silencing: read as "mute" when they lead the line. */
const MUTE = /^\s*(?:🔇|🔕|:mute:|:no_bell:|:shushing_face:|🤫)\s*(?=\S)/u;

/** A line of reactions and one bare id, nothing else. */
const REACTION_AND_ID = /^\s*((?::[a-z0-9_+'-]+:|\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f|\u2705)+)\s*(#?\d{1,9})\s*[.!]*\s*$/u;

export function reactionsRead(text: string): string {
  return text.replace(MUTE, 'mute ');
}

export function reactionWithIdAnswer(text: string): ParseResult | null {
  const found = REACTION_AND_ID.exec(text);
  if (!found) return null;
  const id = found[2]!.replace('#', '');
  const preview = `A reaction and an id ("${found[1]}") is not an order: to acknowledge alert ${id}, say "ack ${id}"; to see it, "alert ${id}".`;
  return {
    intent: 'unknown', slots: {}, confidence: 0.45, requiredPermission: null, preview,
    alternatives: [{ intent: 'alert.ack', text: `Acknowledge alert ${id}: "ack ${id}"`, confidence: 0.45 }, { intent: 'alert.show', text: `Show alert ${id}: "alert ${id}"`, confidence: 0.45 }],
  };
}
